import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { USER_AGENT } from './webhook-request.ts';

describe('USER_AGENT', () => {
  it("names the gateway's released version, from its package.json", () => {
    const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    expect(version).toMatch(/^\d+\.\d+\.\d+/);
    expect(USER_AGENT).toBe(`AcmeWebhooks/${version}`);
  });
});
