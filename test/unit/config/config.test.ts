/** Configuration from the environment: defaults, the intel worker switch, and clear errors for bad values. */
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfig } from '../../../src/config/config.js';
import { readEnv } from '../../../src/config/env.js';

it('the intel worker is on unless ACCORD_INTEL_WORKER=false; other values are refused', () => {
  assert.equal(loadConfig({}, { dataDir: '/tmp/x' }).intelWorker, true);
  assert.equal(loadConfig(readEnv({ ACCORD_INTEL_WORKER: 'false' }), { dataDir: '/tmp/x' }).intelWorker, false);
  assert.equal(loadConfig(readEnv({ ACCORD_INTEL_WORKER: 'true' }), { dataDir: '/tmp/x' }).intelWorker, true);
  assert.equal(loadConfig(readEnv({ ACCORD_INTEL_WORKER: '' }), { dataDir: '/tmp/x' }).intelWorker, true, 'empty counts as unset');
  assert.throws(() => loadConfig(readEnv({ ACCORD_INTEL_WORKER: 'no' }), { dataDir: '/tmp/x' }), (e: { code?: string; message: string }) => e.code === 'CONFIG_INVALID' && /ACCORD_INTEL_WORKER must be true or false/.test(e.message));
});

it('bad values elsewhere are refused with the variable named', () => {
  assert.throws(() => loadConfig(readEnv({ ACCORD_DATABASE_URL: 'mysql://x' }), { dataDir: '/tmp/x' }), /ACCORD_DATABASE_URL/);
  assert.throws(() => loadConfig(readEnv({ ACCORD_LOG_LEVEL: 'loud' }), { dataDir: '/tmp/x' }), /ACCORD_LOG_LEVEL/);
});
