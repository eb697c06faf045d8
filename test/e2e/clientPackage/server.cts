// Type-checks the installed package as a CommonJS consumer (a Node game server, moduleResolution nodenext).
import pgc = require('@playguard/client');

const server = pgc.createPlayGuardServer({ baseUrl: 'https://api.example.cn', token: 'server-token' });
export async function reserve(orderId: string, accountId: string): Promise<number | null> {
  try {
    await server.payments.reserve({ orderId, amount: 600, accountId });
    return null;
  } catch (e) {
    if (pgc.isPlayGuardProblem(e) && e.code === 'spending_limit_exceeded') return e.remainingAmount;
    if (pgc.isPlayGuardThrottled(e)) return e.retryAfter;
    throw e;
  }
}
