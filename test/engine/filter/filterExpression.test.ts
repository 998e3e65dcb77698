import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FilterExpressionError, parseFilterExpression } from '../../../src/engine/filter/filterExpression.js';
import { parseFilterValues } from '../../../src/engine/filter/itemEligibility.js';

function errorOf(expression: string): FilterExpressionError {
  try {
    parseFilterExpression(expression);
  } catch (error) {
    assert.ok(error instanceof FilterExpressionError);
    return error;
  }
  assert.fail(`'${expression}' parsed`);
}

test('a chained filter parses into clauses, AND binding tighter than OR, keywords in any case', () => {
  const parsed = parseFilterExpression(
    'EXCLUDE ItemID WHERE Interactions.EVENT_TYPE IN ("purchase") | include itemid where Items.GENRE IN ($GENRE) ' +
      'AND Items.PRICE <= 20 OR Items.GENRE = "sale" IF CurrentUser.AGE >= 18',
  );
  assert.equal(parsed.clauses.length, 2);
  const [exclude, include] = parsed.clauses;
  assert.equal(exclude?.action, 'EXCLUDE');
  assert.deepEqual(exclude?.where[0]?.[0]?.operand, { kind: 'values', values: ['purchase'] });
  assert.equal(include?.action, 'INCLUDE');
  assert.deepEqual(
    include?.where.map((group) => group.map((c) => `${c.dataset}.${c.field} ${c.operator}`)),
    [['Items.GENRE IN', 'Items.PRICE <='], ['Items.GENRE =']],
  );
  assert.equal(include?.onlyIf?.[0]?.[0]?.field, 'AGE');
});

test('a malformed expression names the 1-based position and the problem', () => {
  const cases: [string, number, RegExp][] = [
    ['REMOVE ItemID WHERE Items.GENRE IN ("a")', 1, /expected INCLUDE or EXCLUDE, found 'REMOVE'/],
    [
      'EXCLUDE ItemID WHERE Items.GENRE INN ("a")',
      34,
      /expected IN, NOT IN, =, <, <=, > or >= after Items.GENRE, found 'INN'/,
    ],
    ['EXCLUDE ItemID WHERE Items.GENRE IN ("a"', 41, /expected '\)' to close the value list/],
    ['EXCLUDE ItemID WHERE Items.GENRE IN ("a)', 38, /quoted string is not closed/],
    ['EXCLUDE ItemID WHERE Items.GENRE NOT IN ($G)', 42, /cannot follow NOT IN/],
    [
      'INCLUDE ItemID WHERE Shops.NAME IN ("a")',
      22,
      /expected a dataset \(Items, Interactions or CurrentUser\)/,
    ],
    ['INCLUDE ItemID Items.GENRE IN ("a")', 16, /expected WHERE after ItemID/],
    ['INCLUDE ItemID WHERE Items.GENRE IN ("a") EXTRA', 43, /expected AND, OR, IF, '\|' or the end/],
    ['INCLUDE ItemID WHERE CurrentUser.AGE > 3', 22, /CurrentUser conditions go after IF/],
  ];
  for (const [expression, position, problem] of cases) {
    const error = errorOf(expression);
    assert.equal(error.position, position, expression);
    assert.match(error.message, problem, expression);
    assert.match(error.message, new RegExp(`at character ${position}:`));
  }
});

test('filterValues: quoted strings and bare numbers, comma-separated; unquoted strings are refused with a hint', () => {
  assert.deepEqual(parseFilterValues('G', '"Comedy", "Drama, Dark"', false), ['Comedy', 'Drama, Dark']);
  assert.deepEqual(parseFilterValues('P', '10,20.5', true), [10, 20.5]);
  assert.deepEqual(parseFilterValues('P', '"10"', true), [10]);
  assert.throws(() => parseFilterValues('G', 'Comedy', false), /quote each string value/);
  assert.throws(() => parseFilterValues('P', 'ten', true), /give numbers/);
});
