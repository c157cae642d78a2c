import { describe, expect, it } from 'vitest';
import { headerNameError, keyValueObject, keyValueRows, metadataKeyError, metadataValueError } from './key-value-rows.ts';

describe('header and metadata rows', () => {
  it('round-trips the API object through editable rows, dropping blank rows', () => {
    const rows = keyValueRows({ 'X-Team': 'billing', 'X-Retries': 3 });
    expect(rows).toEqual([
      { name: 'X-Team', value: 'billing' },
      { name: 'X-Retries', value: '3' },
    ]);
    expect(keyValueObject([...rows, { name: '  ', value: '' }, { name: ' X-Trim ', value: 'v' }])).toEqual({
      'X-Team': 'billing',
      'X-Retries': '3',
      'X-Trim': 'v',
    });
    expect(keyValueRows(null)).toEqual([]);
  });

  it('flags a value without a name, a name with spaces, and a repeated name', () => {
    const rows = [
      { name: '', value: 'orphan' },
      { name: 'Bad Name', value: 'x' },
      { name: 'X-A', value: '1' },
      { name: 'x-a', value: '2' },
    ];
    expect(rows.map((_, i) => headerNameError(rows, i))).toEqual([
      'Name the header',
      'Letters, digits and - only',
      null,
      'Already set above',
    ]);
  });

  it('flags a metadata value without a key, a repeated key (case kept), and a value over the API limit', () => {
    const rows = [
      { name: '', value: 'orphan' },
      { name: 'team', value: 'billing' },
      { name: 'Team', value: 'other' },
      { name: ' team ', value: 'again' },
      { name: 'notes', value: 'x'.repeat(1001) },
    ];
    expect(rows.map((_, i) => metadataKeyError(rows, i))).toEqual(['Name the key', null, null, 'Already set above', null]);
    expect(rows.map((row) => metadataValueError(row.value))).toEqual([null, null, null, null, 'At most 1000 characters']);
    expect(keyValueObject(rows.slice(1, 3))).toEqual({ team: 'billing', Team: 'other' });
  });
});
