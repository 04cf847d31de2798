import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, DEFAULTS, loadServeConfig } from '../../src/server/config.ts';

const file = (text: string) => {
  const p = join(mkdtempSync(join(tmpdir(), 'rebound-cfg-')), 'rebound.yaml');
  writeFileSync(p, text);
  return p;
};

describe('serve settings: flags > environment > file > defaults', () => {
  test('with nothing set, the defaults: ./data/rebound.db, HTTP 8025, SMTP 2525, direct delivery', () => {
    const c = loadServeConfig({}, {});
    assert.deepEqual(c, DEFAULTS);
    assert.equal(c.port, 8025);
    assert.equal(c.smtpPort, 2525);
    assert.equal(c.relay, null);
  });

  test('a flag wins over the environment, which wins over the file', () => {
    const f = file('port: 9000\nsmtpPort: 9025\ntimeScale: 10\nrelay: smtp://file.test:25\n');
    const c = loadServeConfig({ port: '9100' }, { REBOUND_PORT: '9200', REBOUND_SMTP_PORT: '9225', REBOUND_API_TOKEN: 'aaaaaaaaaaaaaaaa1,bbbbbbbbbbbbbbbb2' }, f);
    assert.equal(c.port, 9100);
    assert.equal(c.smtpPort, 9225);
    assert.equal(c.timeScale, 10);
    assert.equal(c.relay, 'smtp://file.test:25');
    assert.deepEqual(c.apiTokens, ['aaaaaaaaaaaaaaaa1', 'bbbbbbbbbbbbbbbb2']);
  });

  test('a bad value names the setting and where it came from', () => {
    assert.throws(() => loadServeConfig({ port: 'eighty' }, {}), (e: Error) => e instanceof ConfigError && /setting port \(from flag\)/.test(e.message));
    assert.throws(() => loadServeConfig({}, { REBOUND_TIME_SCALE: '-3' }), /timeScale \(from REBOUND_TIME_SCALE\)/);
    assert.throws(() => loadServeConfig({}, { REBOUND_API_TOKEN: 'short' }), /apiTokens.*16 characters/);
    assert.throws(() => loadServeConfig({}, {}, file('prot: 80\n')), /unknown setting "prot"/);
    assert.throws(() => loadServeConfig({}, {}, file('- a\n- b\n')), /expected a mapping/);
    assert.throws(() => loadServeConfig({}, {}, '/nonexistent/rebound.yaml'), /cannot read config file/);
    // retention is days, a plain number, in every source
    assert.throws(() => loadServeConfig({ retentionDays: '90d' }, {}), /retentionDays \(from flag\): a number of days, such as 90/);
    assert.throws(() => loadServeConfig({}, {}, file('retentionDays: 90d\n')), /retentionDays \(from .*\): a number of days, such as 90/);
    assert.throws(() => loadServeConfig({}, { REBOUND_RETENTION_DAYS: '0.5' }), /retentionDays \(from REBOUND_RETENTION_DAYS\): at least 1 day/);
    assert.equal(loadServeConfig({}, { REBOUND_RETENTION_DAYS: '90' }).retentionDays, 90);
    // a syntax error says where and what, and ends there (no colon promising a snippet)
    assert.throws(() => loadServeConfig({}, {}, file('port: 8025\nrelay: [smtp://a\nlogLevel: info\n')), /rebound\.yaml:3:1: not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a \]$/);
    assert.throws(() => loadServeConfig({}, {}, file('port: 1\nport: 2\n')), /rebound\.yaml:2:1: not valid YAML: Map keys must be unique$/);
  });

  test('garbage config files and environment values give a ConfigError or a valid config, never anything else', () => {
    fc.assert(fc.property(fc.string({ maxLength: 300 }), fc.string({ maxLength: 30 }), (text, port) => {
      try {
        const c = loadServeConfig({}, { REBOUND_PORT: port }, file(text));
        assert.ok(Number.isInteger(c.port) && c.port >= 0 && c.port <= 65535);
      } catch (err) {
        assert.ok(err instanceof ConfigError, String(err));
      }
    }), { numRuns: 200 });
  });
  test('monitoring settings: a time zone from the file or environment, checked against the IANA names', () => {
    const c = loadServeConfig({}, { REBOUND_METRICS_TOP_DOMAINS: '5' }, file('metricsTimeZone: Europe/Paris\nwebhooks: /etc/rebound/webhooks.yaml\n'));
    assert.equal(c.metricsTimeZone, 'Europe/Paris');
    assert.equal(c.metricsTopDomains, 5);
    assert.equal(c.webhooks, '/etc/rebound/webhooks.yaml');
    assert.throws(() => loadServeConfig({}, { REBOUND_METRICS_TZ: 'Mars/Olympus_Mons' }), (err: Error) =>
      err instanceof ConfigError && /metricsTimeZone \(from REBOUND_METRICS_TZ\)/.test(err.message));
    assert.throws(() => loadServeConfig({}, { REBOUND_METRICS_TOP_DOMAINS: 'many' }), /metricsTopDomains/);
  });

  test('the worker batch size: 100 by default, a positive whole number from a flag, the environment or the file', () => {
    assert.equal(loadServeConfig({}, {}).batchSize, 100);
    assert.equal(loadServeConfig({ batchSize: '500' }, { REBOUND_BATCH_SIZE: '200' }).batchSize, 500);
    assert.equal(loadServeConfig({}, { REBOUND_BATCH_SIZE: '200' }, file('batchSize: 300\n')).batchSize, 200);
    assert.equal(loadServeConfig({}, {}, file('batchSize: 300\n')).batchSize, 300);
    for (const bad of ['0', '-5', '2.5', 'lots']) {
      assert.throws(() => loadServeConfig({ batchSize: bad }, {}), (err: Error) => err instanceof ConfigError && /batchSize/.test(err.message), bad);
    }
  });
});
