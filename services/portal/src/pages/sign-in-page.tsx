import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Text, Title } from '@mantine/core';
import { IconApi, IconInfoCircle } from '@tabler/icons-react';
import { type FormEvent, useState } from 'react';
import { useSession } from '../session/session-context.tsx';

export function SignInPage() {
  const { signIn, notice } = useSession();
  const [error, setError] = useState<string | null>(null);
  const [submitting, setSubmitting] = useState(false);
  // One field: plain state, not @mantine/form, which would add to the one chunk every visitor loads.
  const [apiKey, setApiKey] = useState('');
  const [fieldError, setFieldError] = useState<string | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!apiKey.trim()) return setFieldError('Paste an API key');
    setFieldError(null);
    setSubmitting(true);
    setError(null);
    try {
      await signIn(apiKey.trim(), 'api-key');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSubmitting(false);
    }
  };

  const shown = error ?? notice;
  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={440} component="main">
        <Stack gap="lg">
          <Stack gap={6} align="center">
            <IconApi size={40} color="var(--mantine-color-blue-6)" aria-hidden />
            <Title order={1} fz="h2">
              Acme Webhooks
            </Title>
            <Text c="dimmed" size="sm" ta="center">
              Sign in to see every delivery, fix failing endpoints and replay what was missed.
            </Text>
          </Stack>
          {shown && (
            <Alert color="red" variant="light" role="alert" title="Could not sign in">
              {shown}
            </Alert>
          )}
          <form onSubmit={submit} noValidate>
            <Stack gap="md">
              <PasswordInput
                label="API key"
                placeholder="acme_sk_…"
                description="Kept in this browser tab only, until you sign out or close it."
                autoComplete="off"
                spellCheck={false}
                data-autofocus
                autoFocus
                value={apiKey}
                onChange={(e) => {
                  setApiKey(e.currentTarget.value);
                  setFieldError(null);
                }}
                error={fieldError}
              />
              <Button type="submit" loading={submitting} fullWidth>
                Sign in
              </Button>
            </Stack>
          </form>
          <Alert variant="default" icon={<IconInfoCircle />} p="sm">
            <Text size="xs">
              A new tenant gets its first key from the operator (<Code>createTenant</Code>). Your customers sign in with a portal
              link instead, made with <Code>createPortalSession</Code>.
            </Text>
          </Alert>
        </Stack>
      </Paper>
    </Center>
  );
}
