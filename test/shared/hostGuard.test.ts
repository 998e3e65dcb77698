import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isAllowedHost, isExposedHost } from '../../src/shared/hostGuard.js';

const loopback = { boundHost: '127.0.0.1', port: 8317 };

test('on loopback, the bound address and localhost are allowed, with or without the port', () => {
  for (const host of ['127.0.0.1:8317', '127.0.0.1', 'localhost:8317', 'LOCALHOST', 'localhost']) {
    assert.equal(isAllowedHost(host, loopback), true, host);
  }
});

test('any other name is refused: DNS rebinding sends the attacker name in Host', () => {
  for (const host of ['evil.example:8317', 'evil.example', '127.0.0.2:8317', 'localhost.evil.example', '']) {
    assert.equal(isAllowedHost(host, loopback), false, host);
  }
  assert.equal(isAllowedHost(undefined, loopback), false, 'no Host header');
});

test('a port other than the bound one is refused, and malformed headers are', () => {
  assert.equal(isAllowedHost('localhost:80', loopback), false);
  for (const host of ['localhost:', 'local host', 'localhost:8317:1', '[::1', 'user@localhost']) {
    assert.equal(isAllowedHost(host, loopback), false, host);
  }
});

test('configured names are allowed, compared without case', () => {
  const settings = { ...loopback, allowedNames: ['Engine.Internal'] };
  assert.equal(isAllowedHost('engine.internal:8317', settings), true);
  assert.equal(isAllowedHost('other.internal:8317', settings), false);
});

test('bound to IPv6 loopback, the bracketed address is allowed', () => {
  const settings = { boundHost: '::1', port: 9000 };
  assert.equal(isAllowedHost('[::1]:9000', settings), true);
  assert.equal(isAllowedHost('localhost:9000', settings), true);
  assert.equal(isAllowedHost('[::2]:9000', settings), false);
});

test('bound to every interface, IP literals are allowed (no DNS to rebind) but unknown names are not', () => {
  const settings = { boundHost: '0.0.0.0', port: 8317 };
  assert.equal(isAllowedHost('192.168.1.20:8317', settings), true);
  assert.equal(isAllowedHost('[fe80::1]:8317', settings), true);
  assert.equal(isAllowedHost('evil.example:8317', settings), false);
});

test('only loopback addresses count as not exposed', () => {
  for (const host of ['127.0.0.1', 'localhost', '::1', '[::1]', '127.1.2.3']) {
    assert.equal(isExposedHost(host), false, host);
  }
  for (const host of ['0.0.0.0', '::', '192.168.1.20', 'my-laptop.lan']) {
    assert.equal(isExposedHost(host), true, host);
  }
});
