// The C# client playing a minor's Friday evening against the local gateway (HttpClientTransport,
// the default scheduler), then a C# game server's payments: run by the repository's
// test/e2e/unityClient.test.ts with the gateway's URL and an ID number; prints one JSON line per
// step, and the test makes the assertions. The /__dev endpoints (tokens, the virtual clock) exist
// only on the local gateway.
using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using PlayGuard;

namespace PlayGuard.Tests
{
    public static class Evening
    {
        static readonly HttpClient Dev = new HttpClient();
        static string gateway;

        static void Log(string step, object value)
        {
            Console.WriteLine(Json.Write(new Dictionary<string, object> { { "step", step }, { "value", value } }));
        }

        static async Task<Dictionary<string, object>> DevCall(HttpMethod method, string path, Dictionary<string, object> body)
        {
            var request = new HttpRequestMessage(method, gateway + path) { Content = new StringContent(Json.Write(body), Encoding.UTF8, "application/json") };
            var answer = await Dev.SendAsync(request);
            var text = await answer.Content.ReadAsStringAsync();
            if (!answer.IsSuccessStatusCode) throw new Exception(method + " " + path + ": " + (int)answer.StatusCode + " " + text);
            return Json.Parse(text) as Dictionary<string, object>;
        }

        static Task Clock(string now) { return DevCall(HttpMethod.Put, "/__dev/clock", new Dictionary<string, object> { { "now", now } }); }

        static async Task<string> Token(string sub, string scope)
        {
            var answer = await DevCall(HttpMethod.Post, "/__dev/tokens", new Dictionary<string, object> { { "sub", sub }, { "scope", scope }, { "ttlSeconds", 86400 } });
            return JsonRead.Str(answer, "token");
        }

        static Dictionary<string, object> Problem(PlayGuardProblemException e)
        {
            return new Dictionary<string, object>
            {
                { "code", e.CodeName }, { "enum", e.Code.ToString() }, { "status", e.Status }, { "nextWindowStart", e.NextWindowStart }, { "nextWindowEnd", e.NextWindowEnd },
                { "limit", e.Limit }, { "limitAmount", e.LimitAmount }, { "remainingAmount", e.RemainingAmount }, { "detail", e.Detail },
            };
        }

        public static int Main(string[] args)
        {
            gateway = args[0].TrimEnd('/');
            try
            {
                Run(args[1], args[2]).GetAwaiter().GetResult();
                return 0;
            }
            catch (Exception e)
            {
                Console.Error.WriteLine(e);
                return 1;
            }
        }

        static async Task Run(string account, string idNumber)
        {
            var player = new PlayGuardClient(new PlayGuardOptions { BaseUrl = gateway, Token = await Token(account, "player") });
            await Clock("2026-12-04T20:50:00+08:00");
            var identity = await player.SubmitIdentityAsync("张三", idNumber);
            Log("submit", new Dictionary<string, object> { { "status", identity.Status }, { "ageBand", identity.AgeBand }, { "minor", identity.Minor }, { "askGuardian", identity.GuardianConsent.AskGuardian }, { "policyVersion", identity.GuardianConsent.PolicyVersion } });
            // Under 14 without the guardian's consent: login is refused until the guardian ticks the
            // consent to the privacy policy version the problem names, sent with the real-name submission again.
            try
            {
                await player.StartSessionAsync("unity-phone");
                Log("consentRefused", "allowed");
            }
            catch (PlayGuardProblemException e) when (e.Code == ProblemCode.GuardianConsentRequired)
            {
                Log("consentRefused", new Dictionary<string, object> { { "code", e.CodeName }, { "policyVersion", e.PolicyVersion }, { "consent", e.Consent } });
                var consented = await player.SubmitIdentityAsync("张三", idNumber, e.PolicyVersion);
                Log("consented", new Dictionary<string, object> { { "required", consented.GuardianConsent.Required }, { "given", consented.GuardianConsent.Given } });
            }

            var session = await player.StartSessionAsync("unity-phone");
            var s = session.Started;
            Log("started", new Dictionary<string, object> { { "remainingSeconds", s.RemainingSeconds }, { "endsAt", s.EndsAt }, { "heartbeatIntervalSeconds", s.HeartbeatIntervalSeconds }, { "ageBand", s.AgeBand }, { "minor", s.Minor }, { "gameId", s.GameId } });
            var events = new List<object>();
            session.Heartbeat += a => { lock (events) events.Add(new List<object> { "heartbeat", a.Action, a.RemainingSeconds, a.NextHeartbeatSeconds, a.Seq, a.EndsAt }); };
            session.Warn += a => { lock (events) events.Add(new List<object> { "warn", a.RemainingSeconds }); };
            session.Error += e => { lock (events) events.Add(new List<object> { "error", e.Error.GetType().Name }); };
            var ended = new TaskCompletionSource<TerminateEvent>();
            session.Terminated += e => ended.TrySetResult(e);

            // The heartbeat timer runs in real time: move the virtual clock, then beat now (a game coming back to the foreground does).
            await Clock("2026-12-04T20:55:00+08:00");
            session.Pause();
            await session.ResumeAsync();
            await Clock("2026-12-04T21:00:00+08:00");
            await session.BeatAsync();
            var end = await ended.Task;
            Log("terminate", new Dictionary<string, object> { { "reason", end.Reason }, { "nextWindowStart", end.NextWindowStart }, { "nextWindowEnd", end.NextWindowEnd } });
            lock (events) Log("events", events);
            Log("state", new Dictionary<string, object> { { "state", session.State.ToString() }, { "seq", session.Seq } });

            try
            {
                await player.StartSessionAsync("unity-phone");
                Log("relogin", "allowed");
            }
            catch (PlayGuardProblemException e)
            {
                Log("relogin", Problem(e));
            }

            // A C# game server reserves for the minor: over the single-payment cap refused, under it reserved and committed.
            var server = new PlayGuardServer(new PlayGuardOptions { BaseUrl = gateway, Token = await Token("unity-game-server", "server") });
            try
            {
                await server.ReserveAsync("unity-o-1", 6000, account);
                Log("overLimit", "reserved");
            }
            catch (PlayGuardProblemException e)
            {
                Log("overLimit", Problem(e));
            }
            var reserved = await server.ReserveAsync("unity-o-2", 600, account);
            var committed = await server.CommitAsync("unity-o-2");
            var again = await server.CommitAsync("unity-o-2");
            Log("payment", new List<object> { reserved.Status, committed.Status, again.Status });
            var limits = await player.LimitsAsync();
            Log("limits", new Dictionary<string, object> { { "allowedNow", limits.AllowedNow }, { "singleMax", limits.SingleMax }, { "monthlyRemaining", limits.MonthlyRemaining }, { "nextWindowStart", limits.NextWindowStart } });
        }
    }
}
