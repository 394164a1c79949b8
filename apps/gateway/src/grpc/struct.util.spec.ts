import { fromStruct, toStruct } from './struct.util';

it('round-trips JSON through google.protobuf.Struct', () => {
  const json = { a: 1, b: 'x', c: true, d: null, e: [1, 'two', { f: false }], g: { h: { i: 2.5 } } };
  expect(fromStruct(toStruct(json))).toEqual(json);
});
