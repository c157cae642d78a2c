import { Code, ScrollArea, Text } from '@mantine/core';
import { prettyBody } from '../lib/format.ts';
import { JsonViewer } from './json-view.tsx';

/** A request or response body: a JSON tree when it is JSON, the text as it is otherwise. */
export function BodyView({
  body,
  label,
  empty = 'Empty body',
}: {
  body: string | null | undefined;
  label: string;
  empty?: string;
}) {
  const pretty = prettyBody(body);
  if (!pretty.text)
    return (
      <Text size="sm" c="dimmed" fs="italic">
        {empty}
      </Text>
    );
  if (pretty.isJson) return <JsonViewer value={pretty.json} label={label} />;
  return (
    <ScrollArea.Autosize mah={360} type="auto" aria-label={label}>
      <Code block style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
        {pretty.text}
      </Code>
    </ScrollArea.Autosize>
  );
}
