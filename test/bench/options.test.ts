import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ratioChart } from '../../bench/chart.js';
import { FRAMEWORKS } from '../../bench/frameworks.js';
import { HELP, parseOptions, SCENARIOS } from '../../bench/options.js';

test('bench options: defaults run every scenario but the peer, and write the chart', () => {
  const options = parseOptions([], 'chart.svg');
  assert.notEqual(options, 'help');
  if (options === 'help') return;
  assert.equal(options.duration, 5);
  assert.equal(options.workers, 1);
  assert.equal(options.tokens, 1_000_000);
  assert.equal(options.chart, 'chart.svg');
  assert.equal(options.soakMinutes, null);
  assert.deepEqual([...options.only].sort(), SCENARIOS.filter((s) => s !== 'peer').sort());
  assert.deepEqual(options.frameworks, ['fastify', 'express', 'web', 'nest']);
});

test('bench options: --framework takes one adapter, a comma list (measured in the run\'s order) or all', () => {
  const pick = (value: string) => {
    const options = parseOptions(['--framework', value], 'x');
    return options === 'help' ? assert.fail('not help') : options.frameworks;
  };
  assert.deepEqual(pick('express'), ['express']);
  assert.deepEqual(pick('nest, web,express'), ['express', 'web', 'nest']);
  assert.deepEqual(pick('web,all'), [...FRAMEWORKS]);
  assert.deepEqual(pick('all'), [...FRAMEWORKS]);
  for (const name of FRAMEWORKS) assert.match(HELP, new RegExp(`\\b${name}\\b`));
});

test('bench options: a bad --framework is a one-line error naming the valid ones', () => {
  for (const bad of ['hono', 'express,koa', '', ',']) {
    assert.throws(() => parseOptions(['--framework', bad], 'x'), (error: Error) => {
      assert.match(error.message, /^--framework: /);
      assert.match(error.message, /fastify, express, web, nest or all/);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    }, JSON.stringify(bad));
  }
});

test('bench options: --peer, --only, --workers, --soak, --chart none and --seconds as --duration', () => {
  const options = parseOptions(['--peer', '--only', 'get,flush', '--workers', '2', '--soak', '0.5', '--chart', 'none', '--seconds', '3'], 'chart.svg');
  if (options === 'help') return assert.fail('not help');
  assert.equal(options.peer, true);
  assert.deepEqual([...options.only].sort(), ['flush', 'get']);
  assert.equal(options.workers, 2);
  assert.equal(options.soakMinutes, 0.5);
  assert.equal(options.chart, null);
  assert.equal(options.duration, 3);
  assert.equal(parseOptions(['--help'], 'x'), 'help');
});

test('bench options: bad values are one-line errors', () => {
  assert.throws(() => parseOptions(['--only', 'nope'], 'x'), /--only: unknown scenario "nope"/);
  assert.throws(() => parseOptions(['--workers', '0'], 'x'), /--workers: "0" is not a positive number/);
  assert.throws(() => parseOptions(['--duration', 'abc'], 'x'), /--duration/);
  assert.throws(() => parseOptions(['--unknown'], 'x'));
  assert.throws(() => parseOptions(['--loader', 'ab'], 'x'), /--loader: "ab" is not wrk or autocannon/);
});

test('bench options: --loader picks the load generator; without it the run decides (wrk when installed)', () => {
  const chosen = parseOptions(['--loader', 'autocannon'], 'x');
  if (chosen === 'help') return assert.fail('not help');
  assert.equal(chosen.loader, 'autocannon');
  const open = parseOptions([], 'x');
  if (open === 'help') return assert.fail('not help');
  assert.equal(open.loader, null);
});

test('bench chart: one bar per scenario, widths proportional to the ratio, labels escaped', () => {
  const svg = ratioChart('title', 'sub', [
    { label: 'ceiling', ratio: 1, requestsPerSecond: 1000 },
    { label: 'GET <a&b>', ratio: 0.5, requestsPerSecond: 500 },
  ]);
  assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  const widths = [...svg.matchAll(/<rect x="\d+" y="[\d.]+" width="([\d.]+)"/g)].map((m) => Number(m[1]));
  assert.deepEqual(widths, [420, 210]);
  assert.ok(svg.includes('GET &lt;a&amp;b&gt;'));
  assert.ok(!svg.includes('<a&b>'));
  assert.ok(svg.includes('0.500 (500/s)'));
});
