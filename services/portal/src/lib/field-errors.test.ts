import { InvalidRequestError } from '@acme/webhooks-sdk';
import { describe, expect, it } from 'vitest';
import { fieldOf } from './field-errors.ts';

const refusal = (field?: string) => new InvalidRequestError('no', { code: 'BAD_USER_INPUT', details: field ? { field } : {} });

describe('fieldOf', () => {
  it('finds the form field an API refusal names, however the path is written', () => {
    const fields = ['url', 'headers', 'schema'];
    expect(fieldOf(refusal('url'), fields)).toBe('url');
    expect(fieldOf(refusal('input.url'), fields)).toBe('url');
    expect(fieldOf(refusal('headers/X-Foo'), fields)).toBe('headers');
    expect(fieldOf(refusal('payload/lines/0'), fields)).toBeNull();
    expect(fieldOf(refusal(), fields)).toBeNull();
    expect(fieldOf(new Error('x'), fields)).toBeNull();
  });
});
