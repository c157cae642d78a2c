import { Code, ScrollArea, useComputedColorScheme } from '@mantine/core';
import JsonView from '@uiw/react-json-view';
import { githubDarkTheme } from '@uiw/react-json-view/githubDark';
import { githubLightTheme } from '@uiw/react-json-view/githubLight';

/** A JSON value as a collapsible tree (objects and arrays), or as code (anything else). */
export function JsonViewer({ value, label, collapsed = 3 }: { value: unknown; label: string; collapsed?: number }) {
  const scheme = useComputedColorScheme('light');
  if (value === null || typeof value !== 'object') {
    return <Code block>{JSON.stringify(value)}</Code>;
  }
  return (
    <ScrollArea.Autosize mah={480} type="auto" aria-label={label}>
      <JsonView
        value={value as object}
        collapsed={collapsed}
        displayDataTypes={false}
        shortenTextAfterLength={120}
        style={{ ...(scheme === 'dark' ? githubDarkTheme : githubLightTheme), padding: 12, borderRadius: 6, fontSize: 13 }}
      />
    </ScrollArea.Autosize>
  );
}
