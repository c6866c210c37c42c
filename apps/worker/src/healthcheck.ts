import { heartbeatFile, heartbeatFresh } from './heartbeat';

/**
 * `node dist/apps/worker/src/healthcheck.js`: exit 0 when the worker's heartbeat is fresh, 1
 * otherwise (the worker's container health check, docker/compose.yml).
 */
const file = heartbeatFile();
const fresh = heartbeatFresh(file);
if (!fresh) process.stderr.write(`worker heartbeat ${file} is missing or older than 30 s\n`);
process.exit(fresh ? 0 : 1);
