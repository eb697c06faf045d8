/**
 * `npm run nppa:simulator`: the NPPA simulator on its own (PORT, default 8081), for pointing a
 * gateway — or anything else that speaks the national system's protocol (docs/nppa.md) — at it with the NPPA_* variables it prints.
 * The official test system's paths are served too: NPPA_TEST_BASE_URL=<url> npm run nppa:testcases.
 */
import { NppaSimulator } from '#infra/local/nppaSimulator';

const simulator = new NppaSimulator({
  ...(process.env.NPPA_APP_ID ? { appId: process.env.NPPA_APP_ID } : {}),
  ...(process.env.NPPA_BIZ_ID ? { bizId: process.env.NPPA_BIZ_ID } : {}),
  ...(process.env.NPPA_SECRET_KEY ? { secretKey: process.env.NPPA_SECRET_KEY } : {}),
});
const { url } = await simulator.start(Number(process.env.PORT ?? 8081));
const variables = Object.entries(simulator.environment(url)).map(([k, v]) => `  ${k}=${v}`);
console.log(
  `NPPA simulator listening on ${url}\n${variables.join('\n')}\n  official test-system paths: ` +
    `${url}/test/authentication/check/<code> … (NPPA_TEST_BASE_URL=${url})`,
);
const stop = () => void simulator.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
