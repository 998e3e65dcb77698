import assert from 'node:assert/strict';
import { test } from 'node:test';
import { closestKey, formatIssue, readParameterLines } from '../../src/config/parametersFile.js';
import { KNOWN_KEYS } from '../../src/config/pipelineConfig.js';

test('line numbers count every line, comments and blank ones included, with CRLF endings', () => {
  const { lines, issues } = readParameterLines(
    '# production\r\n\r\nSolutionArn=a\r\n   \r\n# training\r\nbroken line\r\nPollInterval=5\r\n',
    'prod.cfg',
  );
  assert.deepEqual(
    lines.map((entry) => [entry.key, entry.line]),
    [
      ['SolutionArn', 3],
      ['PollInterval', 7],
    ],
  );
  assert.deepEqual(
    issues.map((issue) => [issue.file, issue.line]),
    [['prod.cfg', 6]],
  );
  assert.ok(!lines.some((entry) => entry.value.endsWith('\r')), 'no carriage return is left in a value');
});

test('a byte order mark does not become part of the first key', () => {
  const { lines } = readParameterLines('\uFEFFImportRoleArn=x', 'p.cfg');
  assert.equal(lines[0]?.key, 'ImportRoleArn');
});

test('the value is everything after the first =, so URLs with query strings survive', () => {
  const { lines } = readParameterLines('NotificationUrl = http://127.0.0.1:9000/hook?token=a=b ', 'p.cfg');
  assert.deepEqual(lines, [
    { key: 'NotificationUrl', value: 'http://127.0.0.1:9000/hook?token=a=b', line: 1 },
  ]);
});

test('double quotes around a whole value are removed; a lone or inner quote is kept', () => {
  const { lines } = readParameterLines(['A="spaced value"', 'B=""', 'C="', 'D=say "hi"'].join('\n'), 'p.cfg');
  assert.deepEqual(
    lines.map((entry) => entry.value),
    ['spaced value', '', '"', 'say "hi"'],
  );
});

test('a line without a key before = is not a setting, and says how to write one', () => {
  const { lines, issues } = readParameterLines('=value\nno equals here\n# fine', 'p.cfg');
  assert.deepEqual(lines, []);
  assert.deepEqual(
    issues.map((issue) => issue.line),
    [1, 2],
  );
  for (const issue of issues) {
    assert.match(issue.message, /is not a KEY=VALUE line/);
    assert.match(issue.fix, /KEY=VALUE/);
  }
});

test('a key set twice is reported on the second line, the first one kept', () => {
  const { lines, issues } = readParameterLines('PollInterval=10\n\nPollInterval=20', 'p.cfg');
  assert.deepEqual(lines, [{ key: 'PollInterval', value: '10', line: 1 }]);
  assert.equal(issues.length, 1);
  assert.equal(issues[0]?.line, 3);
  assert.equal(issues[0]?.key, 'PollInterval');
  assert.match(issues[0]?.message ?? '', /first set on line 1/);
});

test('"did you mean" finds the key despite case, a missing letter or a swapped pair, but not for nonsense', () => {
  assert.equal(closestKey('pollinterval', KNOWN_KEYS), 'PollInterval');
  assert.equal(closestKey('SolutonArn', KNOWN_KEYS), 'SolutionArn');
  assert.equal(closestKey('S3UserInteractionDatasoucrePath', KNOWN_KEYS), 'S3UserInteractionDatasourcePath');
  assert.equal(closestKey('Region', KNOWN_KEYS), undefined);
});

test('an issue prints as file:line key: what is wrong, then the fix; a file-wide one without a line', () => {
  const base = { file: 'conf/p.cfg', key: 'PollInterval', message: "'0' is not allowed.", fix: 'use 60.' };
  assert.equal(
    formatIssue({ ...base, line: 4 }),
    "conf/p.cfg:4 PollInterval: '0' is not allowed. Fix: use 60.",
  );
  assert.equal(
    formatIssue({ ...base, line: 0 }),
    "conf/p.cfg PollInterval: '0' is not allowed. Fix: use 60.",
  );
});
