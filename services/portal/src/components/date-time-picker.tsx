// Loaded on demand by DateTimeField: the date pickers and their stylesheet are their own chunk.
import '@mantine/dates/styles.css';
import { DateTimePicker, type DateTimePickerProps } from '@mantine/dates';

export default function LazyDateTimePicker(props: DateTimePickerProps) {
  return <DateTimePicker clearable valueFormat="YYYY-MM-DD HH:mm" {...props} />;
}
