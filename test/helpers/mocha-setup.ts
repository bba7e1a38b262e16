/**
 * Loaded by mocha before the tests: keeps in-process log lines of the code under test off the
 * test output (set ADELINE_TEST_LOGS=1 to see them). Child processes (the real service in
 * integration tests) configure their own logging and are not affected.
 */
import { configureLogger } from '../../src/telemetry/logger.js';

if (process.env.ADELINE_TEST_LOGS !== '1') configureLogger({ level: 'silent', pretty: 'never' });
