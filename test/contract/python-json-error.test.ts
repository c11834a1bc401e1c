import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { pythonJsonError } from '../../src/contract/index.js';
import { PYTHON_JSON_ERRORS } from '../fixtures/python-json-errors.js';

describe("Python's json error messages, as DRF prints them", () => {
  test('every text the peer refuses gets its message word for word', () => {
    for (const [text, message] of PYTHON_JSON_ERRORS) assert.equal(pythonJsonError(text), message, JSON.stringify(text));
  });

  test('texts Python accepts have no message', () => {
    for (const text of ['{}', '[]', ' { "a" : [1, -2.5e3, true, false, null, "\\u00e9\\ud83d\\ude00"] } ', '0', '"x"', '[[[]]]']) {
      assert.equal(pythonJsonError(text), null, text);
    }
  });

  test('deep nesting is found unterminated without overflowing the stack', () => {
    assert.equal(pythonJsonError('['.repeat(1_000_000)), 'Expecting value: line 1 column 1000001 (char 1000000)');
    assert.equal(pythonJsonError(`${'{"a":'.repeat(200_000)}1`), "Expecting ',' delimiter: line 1 column 1000002 (char 1000001)");
  });
});
