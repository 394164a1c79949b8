import { escapeFormula, escapeFormulaDeep, escapeFormulaRecord } from './formula-escape';

describe('formula escaping', () => {
  it.each([
    ['=HYPERLINK("http://evil","x")', `'=HYPERLINK("http://evil","x")`],
    ['+1+1', `'+1+1`],
    ['-2+3', `'-2+3`],
    ['@SUM(A1:A2)', `'@SUM(A1:A2)`],
    ['\t=1', `'\t=1`],
    ['\uFF1D1+1', `'\uFF1D1+1`],
    ['Nguyễn Văn A', 'Nguyễn Văn A'],
    ['', ''],
    ['a=b', 'a=b'],
  ])('%j -> %j', (input, output) => {
    expect(escapeFormula(input)).toBe(output);
  });

  it('leaves non-strings alone and escapes keys and nested values', () => {
    expect(escapeFormula(-5)).toBe(-5);
    expect(escapeFormulaRecord({ '=k': '=v', n: 3 })).toEqual({ "'=k": "'=v", n: 3 });
    expect(escapeFormulaDeep(['=a', { b: ['@c'] }])).toEqual(["'=a", { b: ["'@c"] }]);
  });
});
