/*
 * Setup of the unit and browser layers (jest.config.js): no engine runs there. engineUrl()
 * (test/setup/engine.ts) reads this flag and throws, naming the `@jest-layer engine` tag.
 */
process.env.ELASTIC_RECHECK_TEST_LAYER = 'unit';
delete process.env.ENGINE_URL;
