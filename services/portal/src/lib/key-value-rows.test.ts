import { describe, expect, it } from 'vitest';
import { keyValueObject, keyValueRows, rowNameError } from './key-value-rows.ts';

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

  it('flags only what the object cannot hold: a value without a name, and a header name given twice in any case', () => {
    const rows = [
      { name: '', value: 'orphan' },
      { name: 'Bad Name', value: 'x' },
      { name: 'X-A', value: '1' },
      { name: 'x-a', value: '2' },
    ];
    // "Bad Name" is the API's to refuse (its message is shown at the field), not the portal's.
    expect(rows.map((_, i) => rowNameError(rows, i, { ignoreCase: true }))).toEqual([
      'Give this row a name',
      null,
      null,
      'Already set above',
    ]);
  });

  it('keeps the case of metadata keys: team and Team are two keys', () => {
    const rows = [
      { name: 'team', value: 'billing' },
      { name: 'Team', value: 'other' },
      { name: ' team ', value: 'again' },
      { name: 'notes', value: 'x'.repeat(1001) },
    ];
    expect(rows.map((_, i) => rowNameError(rows, i, { ignoreCase: false }))).toEqual([null, null, 'Already set above', null]);
    expect(keyValueObject(rows.slice(0, 2))).toEqual({ team: 'billing', Team: 'other' });
  });
});
