// The demo game: what a studio's H5 game does with the client (docs/integration.md) — sign in,
// real-name submission when the account has none (with the guardian's consent for a child under
// 14), play while the server allows it, stop when it says so and show the next allowed window, and
// the complaint entry point (投诉与反馈). Plain JavaScript, as many H5 games are; served by the
// local gateway at /demo/ (infra/local/demo/serve.ts) and played by test/browser/demo.test.ts.
import { createPlayGuard, isPlayGuardProblem } from '@playguard/client';
import { mountPrompts } from '@playguard/client/prompts';

const $ = (id) => document.getElementById(id);
const prompts = mountPrompts($('stage'), { texts: { unlimitedBadge: '成年用户 · 不受游戏时长限制' } });
const status = (text) => ($('status').textContent = text);

// One device id per browser profile, as a game keeps one per install (hashed by the gateway before storage).
const deviceId = localStorage.getItem('playguard-demo-device') ?? `web-${crypto.randomUUID()}`;
localStorage.setItem('playguard-demo-device', deviceId);
$('account').value = `demo-${Math.random().toString(36).slice(2, 8)}`;

const game = createGame($('game'));
// The page's state and session, for a person at the console and for the browser test, which moves
// the gateway's virtual clock and then calls session.beat() (what a tab coming back does) instead
// of waiting a real minute for the next heartbeat.
const demo = { state: 'signed-out', session: undefined };
window.playguardDemo = demo;

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('enter').disabled = true;
  try {
    await enter($('account').value.trim());
  } catch (error) {
    status(isPlayGuardProblem(error) ? error.detail : `出错了：${error.message}`);
    $('enter').disabled = false;
  }
});

async function enter(account) {
  // Local only: a development token for this account. A real game gets its token from the
  // publisher's account service (docs/local.md "Tokens, as API Gateway checks them").
  const answer = await fetch('/__dev/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ sub: account, ttlSeconds: 86_400 }),
  });
  const { token } = await answer.json();
  const pg = createPlayGuard({ baseUrl: location.origin, token });
  // The complaint entry point (投诉与反馈), there whatever the player may do now.
  prompts.complaintEntry((complaint) => pg.complaints.submit(complaint));
  const identity = await pg.identity.status();
  if (identity.status === 'none' || identity.status === 'rejected') {
    demo.state = 'real-name';
    status('请先完成实名认证');
    // For a child under 14 the form goes on to the guardian's consent (a checkbox naming the privacy policy version).
    await prompts.realNameForm((who) => pg.identity.submit(who));
  }
  await play(pg, false);
}

async function play(pg, takeover) {
  let session;
  try {
    session = await pg.startSession({ deviceId, takeover });
  } catch (error) {
    // A child whose guardian has not consented to the privacy policy in force (e.g. a new version):
    // the real-name form again, with the consent step shown at once.
    if (isPlayGuardProblem(error) && error.code === 'guardian_consent_required' && error.consent === 'attested') {
      demo.state = 'consent';
      status('需要监护人同意隐私政策');
      await prompts.realNameForm((who) => pg.identity.submit(who), { guardianConsent: { policyVersion: error.policyVersion } });
      return play(pg, takeover);
    }
    if (isPlayGuardProblem(error) && error.code === 'play_time_restricted') {
      demo.state = 'restricted';
      status('当前不在可游戏时段');
      // The problem's detail names the rule in force; the dialog adds the next window.
      await prompts.endOfPlay({ reason: error.code, nextWindowStart: error.nextWindowStart, nextWindowEnd: error.nextWindowEnd, problem: error });
      return;
    }
    if (isPlayGuardProblem(error) && error.code === 'session_active_elsewhere' && confirm('该账号已在其他设备上登录，是否在本设备继续游戏？'))
      return play(pg, true);
    throw error;
  }
  demo.session = session;
  demo.state = 'playing';
  prompts.attach(session);
  status(session.started.minor ? '未成年人模式：请在规定时段内适度游戏' : '已实名（成年）：祝您游戏愉快');
  session.on('heartbeat', () => status(session.started.minor ? '未成年人模式：请在规定时段内适度游戏' : '已实名（成年）：祝您游戏愉快'));
  session.on('error', (e) => status(`网络不稳定，${e.retryInSeconds} 秒后重试…`));
  session.on('terminate', () => {
    game.stop('游戏时间已结束');
    demo.state = 'terminated';
    status('游戏已结束');
    $('quit').hidden = true;
  });
  $('login').hidden = true;
  $('quit').hidden = false;
  $('quit').onclick = async () => {
    game.stop('已退出游戏');
    await session.end();
    demo.state = 'ended';
    status('已退出游戏');
    $('quit').hidden = true;
  };
  game.start();
}

// 接星星: catch the falling stars with the paddle (pointer, or the autopilot when no one moves it).
function createGame(canvas) {
  const ctx = canvas.getContext('2d');
  const { width: w, height: h } = canvas;
  let stars = [];
  let paddle = w / 2;
  let steered = false;
  let score = 0;
  let frame = 0;
  let running = false;
  canvas.addEventListener('pointermove', (event) => {
    const box = canvas.getBoundingClientRect();
    paddle = ((event.clientX - box.left) * w) / box.width;
    steered = true;
  });

  const draw = (banner) => {
    ctx.fillStyle = '#0b132b';
    ctx.fillRect(0, 0, w, h);
    ctx.fillStyle = '#ffd166';
    for (const s of stars) {
      ctx.beginPath();
      ctx.arc(s.x, s.y, 7, 0, Math.PI * 2);
      ctx.fill();
    }
    ctx.fillStyle = '#06d6a0';
    ctx.fillRect(paddle - 40, h - 18, 80, 10);
    ctx.fillStyle = '#fff';
    ctx.font = '16px system-ui, sans-serif';
    ctx.fillText(`得分 ${score}`, 12, h - 28);
    if (banner) {
      ctx.fillStyle = 'rgba(0,0,0,.5)';
      ctx.fillRect(0, h / 2 - 30, w, 60);
      ctx.fillStyle = '#fff';
      ctx.font = '22px system-ui, sans-serif';
      ctx.textAlign = 'center';
      ctx.fillText(banner, w / 2, h / 2 + 8);
      ctx.textAlign = 'start';
    }
  };

  const step = () => {
    if (!running) return;
    if (Math.random() < 0.04) stars.push({ x: 20 + Math.random() * (w - 40), y: -10, v: 1.5 + Math.random() * 2 });
    for (const s of stars) s.y += s.v;
    if (!steered && stars.length) {
      const next = stars.reduce((a, b) => (b.y > a.y ? b : a));
      paddle += Math.max(-4, Math.min(4, next.x - paddle));
    }
    const caught = stars.filter((s) => s.y > h - 24 && s.y < h - 8 && Math.abs(s.x - paddle) < 46);
    score += caught.length;
    stars = stars.filter((s) => !caught.includes(s) && s.y < h + 10);
    draw();
    frame = requestAnimationFrame(step);
  };

  draw('登录后开始游戏');
  return {
    start() {
      if (running) return;
      running = true;
      step();
    },
    stop(banner) {
      running = false;
      cancelAnimationFrame(frame);
      draw(banner);
    },
  };
}
