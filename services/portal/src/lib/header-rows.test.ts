import { describe, expect, it } from 'vitest';
import { headerNameError, headerRows, headersObject } from './header-rows.ts';

describe('custom header rows', () => {
  it('round-trips the API object through editable rows, dropping blank rows', () => {
    const rows = headerRows({ 'X-Team': 'billing', 'X-Retries': 3 });
    expect(rows).toEqual([
      { name: 'X-Team', value: 'billing' },
      { name: 'X-Retries', value: '3' },
    ]);
    expect(headersObject([...rows, { name: '  ', value: '' }, { name: ' X-Trim ', value: 'v' }])).toEqual({
      'X-Team': 'billing',
      'X-Retries': '3',
      'X-Trim': 'v',
    });
    expect(headerRows(null)).toEqual([]);
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
});
