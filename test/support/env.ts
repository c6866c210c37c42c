import { workerDatabaseUrl } from './databases';

// Every e2e worker talks to its own database of the run (made by global-setup.ts).
const databaseUrl = workerDatabaseUrl();
if (!databaseUrl) throw new Error('LC_E2E_DATABASE_URL is not set: run e2e specs through jest');
process.env.DATABASE_URL = databaseUrl;
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
process.env.API_RATE_LIMIT = process.env.API_RATE_LIMIT ?? '0';
process.env.SERVE_WEB = 'false';
// Every test signs in from 127.0.0.1; the per-IP limit is tested on its own with a proxy address.
process.env.LOGIN_IP_RATE_LIMIT = process.env.LOGIN_IP_RATE_LIMIT ?? '1000000';
