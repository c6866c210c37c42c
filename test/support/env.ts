import { readFileSync } from 'fs';
import { STATE_FILE } from './global-setup';

// Every e2e worker talks to the run's own database.
process.env.DATABASE_URL = JSON.parse(readFileSync(STATE_FILE, 'utf8')).databaseUrl;
process.env.NODE_ENV = 'test';
process.env.LOG_LEVEL = process.env.LOG_LEVEL ?? 'silent';
process.env.API_RATE_LIMIT = process.env.API_RATE_LIMIT ?? '0';
process.env.SERVE_WEB = 'false';
// Every test signs in from 127.0.0.1; the per-IP limit is tested on its own with a proxy address.
process.env.LOGIN_IP_RATE_LIMIT = process.env.LOGIN_IP_RATE_LIMIT ?? '1000000';
