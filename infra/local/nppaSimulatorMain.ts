/**
 * `npm run nppa:simulator`: the NPPA simulator on its own (PORT, default 8081), for pointing a
 * gateway — or anything else that speaks NPPA.md — at it with the NPPA_* variables it prints.
 */
import { NppaSimulator } from '#shared/nppa/simulator';

const simulator = new NppaSimulator({
  ...(process.env.NPPA_APP_ID ? { appId: process.env.NPPA_APP_ID } : {}),
  ...(process.env.NPPA_BIZ_ID ? { bizId: process.env.NPPA_BIZ_ID } : {}),
  ...(process.env.NPPA_SECRET_KEY ? { secretKey: process.env.NPPA_SECRET_KEY } : {}),
});
const { url } = await simulator.start(Number(process.env.PORT ?? 8081));
console.log(`NPPA simulator listening on ${url}
  NPPA_CHECK_URL=${url}/idcard/authentication/check
  NPPA_QUERY_URL=${url}/idcard/authentication/query
  NPPA_LOGINOUT_URL=${url}/behavior/collection/loginout
  NPPA_APP_ID=${simulator.appId} NPPA_BIZ_ID=${simulator.bizId} NPPA_SECRET_KEY=${simulator.secretKey}
  official test-system paths: ${url}/test/authentication/check/<code> …`);
const stop = () => void simulator.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
