// The C# client's unit tests, on a fake transport and a fake clock: JSON, problems and throttling,
// the heartbeat loop (server-chosen rhythm, seq, lost answers, Retry-After, stale_heartbeat, the end
// of play with the next window, pause/resume, logout, one loop per client) and TapCompat's codes.
// Prints one line per failure and "N passed, N failed"; exits 1 when any failed.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using PlayGuard;

namespace PlayGuard.Tests
{
    public static class UnitTests
    {
        static int passed, failed;

        static void Check(bool ok, string what)
        {
            if (ok) passed++;
            else
            {
                failed++;
                Console.WriteLine("FAIL: " + what);
            }
        }

        static void Equal<T>(T expected, T actual, string what)
        {
            Check(EqualityComparer<T>.Default.Equals(expected, actual), what + ": expected " + Show(expected) + ", got " + Show(actual));
        }

        static void Seq<T>(IEnumerable<T> expected, IEnumerable<T> actual, string what)
        {
            Check(expected.SequenceEqual(actual), what + ": expected [" + string.Join(", ", expected) + "], got [" + string.Join(", ", actual) + "]");
        }

        static string Show(object o) { return o == null ? "null" : o.ToString(); }

        static T Throws<T>(Func<Task> action, string what) where T : Exception
        {
            try
            {
                action().GetAwaiter().GetResult();
            }
            catch (T e)
            {
                passed++;
                return e;
            }
            catch (Exception e)
            {
                failed++;
                Console.WriteLine("FAIL: " + what + ": expected " + typeof(T).Name + ", got " + e.GetType().Name + ": " + e.Message);
                return null;
            }
            failed++;
            Console.WriteLine("FAIL: " + what + ": expected " + typeof(T).Name + ", nothing thrown");
            return null;
        }

        const string Started = "{\"sessionId\":\"s-1\",\"gameId\":\"default\",\"ageRating\":16,\"belowRating\":true,\"ageBand\":8,\"minor\":true,\"remainingSeconds\":960,\"endsAt\":\"2026-12-04T21:00:00+08:00\",\"heartbeatIntervalSeconds\":60}";

        static string Answer(string action, int? remaining, int next = 60, string reason = null)
        {
            return "{\"action\":\"" + action + "\",\"remainingSeconds\":" + (remaining.HasValue ? remaining.Value.ToString() : "null") + ",\"endsAt\":" + (action == "terminate" || remaining == null ? "null" : "\"2026-12-04T21:00:00+08:00\"") + ",\"nextHeartbeatSeconds\":" + next + (reason != null ? ",\"reason\":\"" + reason + "\"" : "") + "}";
        }

        sealed class World
        {
            public readonly FakeTransport Gateway = new FakeTransport();
            public readonly FakeScheduler Clock = new FakeScheduler();
            public readonly PlayGuardClient Client;
            public readonly List<string> Events = new List<string>();

            public World(Func<Task<string>> tokens = null)
            {
                Client = new PlayGuardClient(new PlayGuardOptions { BaseUrl = "https://pg.test/", Token = "tok", TokenProvider = tokens, Transport = Gateway, Scheduler = Clock });
            }

            public PlayGuardSession Start()
            {
                Gateway.Reply(201, Started);
                var session = Client.StartSessionAsync("phone-1").GetAwaiter().GetResult();
                session.Heartbeat += a => Events.Add("heartbeat " + a.Action + " " + a.RemainingSeconds + " seq " + a.Seq);
                session.Warn += a => Events.Add("warn " + a.RemainingSeconds);
                session.Terminated += e => Events.Add("terminate " + e.Reason + " " + e.NextWindowStart + " " + e.NextWindowEnd + (e.Problem != null ? " " + e.Problem.CodeName : ""));
                session.Error += e => Events.Add("error " + e.Error.GetType().Name + " seq " + e.Seq + " retry " + e.RetryInSeconds);
                return session;
            }

            public List<long> Seqs()
            {
                var result = new List<long>();
                foreach (var r in Gateway.Sent)
                    if (r.Url.EndsWith("/heartbeat")) result.Add(JsonRead.Long((Dictionary<string, object>)Json.Parse(r.Body), "seq").Value);
                return result;
            }
        }

        public static int Main()
        {
            JsonReadsAndWrites();
            ProblemCodesRoundTrip();
            ProblemsAreTyped();
            ThrottlingIsItsOwnError();
            RetryAfterAsSecondsOrDate();
            Timeouts();
            HeartbeatRhythm();
            EndOfPlayWithNextWindow();
            LostAnswersRepeatTheSeq();
            RetryAfterOnHeartbeats();
            StaleHeartbeatContinues();
            RefusedSessionEnds();
            PauseAndResume();
            LogoutAndOneLoop();
            TokensAskedEachTime();
            ServerPayments();
            TapCompatCodes();
            Console.WriteLine(passed + " passed, " + failed + " failed");
            return failed == 0 ? 0 : 1;
        }

        static void JsonReadsAndWrites()
        {
            var doc = (Dictionary<string, object>)Json.Parse(" {\"a\":[1,-2.5e1,true,false,null],\"s\":\"引号\\\"\\\\\\/\\n\\u00e9\\ud83d\\ude00\",\"o\":{}} ");
            var list = (List<object>)doc["a"];
            Equal(5, list.Count, "array length");
            Equal(1.0, (double)list[0], "integer");
            Equal(-25.0, (double)list[1], "exponent");
            Equal(true, (bool)list[2], "true");
            Equal(null, list[4], "null");
            Equal("引号\"\\/\né😀", (string)doc["s"], "escapes and surrogates");
            Equal(0, ((Dictionary<string, object>)doc["o"]).Count, "empty object");
            Equal("{\"seq\":3,\"name\":\"张三\\\"\\n\",\"ok\":true,\"none\":null,\"list\":[1.5,\"x\"]}", Json.Write(new Dictionary<string, object> { { "seq", 3L }, { "name", "张三\"\n" }, { "ok", true }, { "none", null }, { "list", new List<object> { 1.5, "x" } } }), "writer");
            Equal("\"\\u0001\\u2028\"", Json.Write("\u0001\u2028"), "control and line separators escaped");
            foreach (var bad in new[] { "{\"a\":1,}", "[1 2]", "{'a':1}", "\"a\nb\"", "01", "1.", "{\"a\" 1}", "[", "nul", "{} x", "-", "\"\\x\"" })
                Throws<FormatException>(() => { Json.Parse(bad); return Task.FromResult(0); }, "refuses " + bad.Replace("\n", "\\n"));
            var deep = new string('[', 100) + new string(']', 100);
            Throws<FormatException>(() => { Json.Parse(deep); return Task.FromResult(0); }, "refuses nesting past 64");
        }

        static void ProblemCodesRoundTrip()
        {
            Equal(ProblemCode.PlayTimeRestricted, ProblemCodes.Parse("play_time_restricted"), "parse");
            Equal("stale_heartbeat", ProblemCodes.WireName(ProblemCode.StaleHeartbeat), "wire name");
            Equal(403, ProblemCodes.Status(ProblemCode.PlayTimeRestricted), "status");
            Equal(429, ProblemCodes.Status(ProblemCode.RateLimited), "rate_limited status");
            Equal(403, ProblemCodes.Status(ProblemCode.GuardianConsentRequired), "contract code status");
            Equal(ProblemCode.Unknown, ProblemCodes.Parse("a_code_from_the_future"), "unknown code");
            foreach (ProblemCode code in Enum.GetValues(typeof(ProblemCode)))
                if (code != ProblemCode.Unknown) Equal(code, ProblemCodes.Parse(ProblemCodes.WireName(code)), "round trip " + code);
        }

        static void ProblemsAreTyped()
        {
            var w = new World();
            w.Gateway.Problem("play_time_restricted", 403, "\"nextWindowStart\":\"2026-12-05T20:00:00+08:00\",\"nextWindowEnd\":\"2026-12-05T21:00:00+08:00\"", new Dictionary<string, string> { { "X-Request-Id", "r-1" } });
            var e = Throws<PlayGuardProblemException>(() => w.Client.StartSessionAsync("phone-1"), "refused login");
            if (e != null)
            {
                Equal(ProblemCode.PlayTimeRestricted, e.Code, "code");
                Equal("2026-12-05T20:00:00+08:00", e.NextWindowStart, "next window start");
                Equal("2026-12-05T21:00:00+08:00", e.NextWindowEnd, "next window end");
                Equal("r-1", e.RequestId, "request id, header read whatever its case");
                Equal("详情", e.Detail, "detail");
            }
            w.Gateway.Problem("spending_limit_exceeded", 403, "\"source\":\"law\",\"limit\":\"single\",\"limitAmount\":5000,\"remainingAmount\":5000");
            var s = Throws<PlayGuardProblemException>(() => w.Client.ReservePaymentAsync("o-1", 6000), "over the limit");
            if (s != null) Equal("single law 5000 5000", s.Limit + " " + s.LimitSource + " " + s.LimitAmount + " " + s.RemainingAmount, "spending members");
            w.Gateway.Problem("guardian_consent_required", 403, "\"policyVersion\":\"2026-12\",\"consent\":\"attested\"");
            var c = Throws<PlayGuardProblemException>(() => w.Client.StartSessionAsync("phone-1"), "a child without its guardian's consent");
            if (c != null) Equal("GuardianConsentRequired 2026-12 attested", c.Code + " " + c.PolicyVersion + " " + c.Consent, "consent members");
            w.Gateway.Reply(200, "{\"status\":\"verified\",\"ageBand\":8,\"minor\":true,\"guardianConsent\":{\"required\":true,\"given\":false,\"policyVersion\":\"2026-12\",\"consent\":\"attested\"}}");
            var id = w.Client.SubmitIdentityAsync("张三", "110101201401010012").GetAwaiter().GetResult();
            Equal("True False 2026-12 attested True", id.GuardianConsent.Required + " " + id.GuardianConsent.Given + " " + id.GuardianConsent.PolicyVersion + " " + id.GuardianConsent.Consent + " " + id.GuardianConsent.AskGuardian, "consent status");
            w.Gateway.Reply(200, "{\"status\":\"verified\",\"ageBand\":8,\"minor\":true,\"guardianConsent\":{\"required\":true,\"given\":true,\"policyVersion\":\"2026-12\",\"consent\":\"attested\"}}");
            w.Client.SubmitIdentityAsync("张三", "110101201401010012", "2026-12").GetAwaiter().GetResult();
            Equal("{\"name\":\"张三\",\"idNumber\":\"110101201401010012\",\"guardianConsent\":{\"policyVersion\":\"2026-12\"}}", w.Gateway.Sent[w.Gateway.Sent.Count - 1].Body, "the consent sent with the identity");
            w.Gateway.Reply(401, "{\"message\":\"Unauthorized\"}");
            var u = Throws<PlayGuardProblemException>(() => w.Client.LimitsAsync(), "API Gateway's own 401");
            if (u != null) Equal("Unauthorized 401 401 登录状态无效，请重新登录。", u.Code + " " + u.Status + " " + u.HttpStatus + " " + u.Detail, "read as the catalogue's unauthorized");
            w.Gateway.Reply(418, "teapot");
            var t = Throws<PlayGuardProblemException>(() => w.Client.LimitsAsync(), "another status");
            if (t != null) Equal("InternalError 500 418", t.Code + " " + t.Status + " " + t.HttpStatus, "read as internal_error");
            w.Gateway.Problem("a_code_from_the_future", 400);
            var f = Throws<PlayGuardProblemException>(() => w.Client.LimitsAsync(), "a newer code");
            if (f != null) Equal("Unknown a_code_from_the_future", f.Code + " " + f.CodeName, "kept by name");
        }

        static void ThrottlingIsItsOwnError()
        {
            var w = new World();
            w.Gateway.Reply(429, "{\"message\":\"Too Many Requests\"}").Reply(429, "{\"message\":\"Too Many Requests\"}").Reply(429, "", new Dictionary<string, string> { { "x-request-id", "r-9" } });
            var call = w.Client.LimitsAsync();
            Equal(1, w.Gateway.Sent.Count, "first try");
            w.Clock.Advance(0.999);
            Equal(1, w.Gateway.Sent.Count, "waits 1 s");
            w.Clock.Advance(0.001);
            Equal(2, w.Gateway.Sent.Count, "second try after 1 s");
            w.Clock.Advance(2);
            var e = Throws<PlayGuardThrottledException>(() => call, "throttled after three tries");
            if (e != null) Equal("429  r-9", e.HttpStatus + " " + e.RetryAfter + " " + e.RequestId, "throttled members");
            Equal(3, w.Gateway.Sent.Count, "three tries");

            w.Gateway.Reply(503, "<html>busy</html>", new Dictionary<string, string> { { "Retry-After", "3" } }).Reply(200, "{\"status\":\"none\"}");
            var status = w.Client.IdentityStatusAsync();
            w.Clock.Advance(2.999);
            Equal(4, w.Gateway.Sent.Count, "waits the 3 s named");
            w.Clock.Advance(0.001);
            Equal("none", status.GetAwaiter().GetResult().Status, "then answered");

            w.Gateway.Problem("rate_limited", 429, "", new Dictionary<string, string> { { "retry-after", "3600" } });
            var r = Throws<PlayGuardProblemException>(() => w.Client.SubmitIdentityAsync("张三", "110101199003070019"), "rate_limited stays a problem");
            if (r != null) Equal("RateLimited 3600", r.Code + " " + r.RetryAfterSeconds, "rate_limited with its wait");
        }

        static void RetryAfterAsSecondsOrDate()
        {
            var now = new DateTime(2026, 12, 4, 12, 0, 0, DateTimeKind.Utc);
            Equal(7, Caller.RetryAfterSeconds("7", now), "seconds");
            Equal(30, Caller.RetryAfterSeconds("Fri, 04 Dec 2026 12:00:30 GMT", now), "HTTP date");
            Equal(0, Caller.RetryAfterSeconds("Fri, 04 Dec 2026 11:00:00 GMT", now), "a date past");
            Equal(null, Caller.RetryAfterSeconds("soon", now), "unreadable");
            Equal(null, Caller.RetryAfterSeconds(null, now), "absent");
        }

        static void Timeouts()
        {
            var w = new World();
            w.Gateway.Hang();
            var call = w.Client.GamesAsync();
            w.Clock.Advance(9.9);
            Check(!call.IsCompleted, "still waiting before the timeout");
            w.Clock.Advance(0.1);
            var e = Throws<PlayGuardNetworkException>(() => call, "no answer in 10 s");
            if (e != null) Equal(NetworkFailure.Timeout, e.Kind, "a timeout");
            Equal(1, w.Gateway.Cancelled, "the request was cancelled");
            w.Gateway.Lost();
            var lost = Throws<PlayGuardNetworkException>(() => w.Client.GamesAsync(), "connection reset");
            if (lost != null) Equal(NetworkFailure.Network, lost.Kind, "a network failure");
            Equal(false, w.Gateway.Sent[0].Headers.ContainsKey("authorization"), "games needs no credential");
        }

        static void HeartbeatRhythm()
        {
            var w = new World();
            var session = w.Start();
            Equal("POST /v1/sessions", w.Gateway.Paths()[0], "login");
            Equal("{\"deviceId\":\"phone-1\"}", w.Gateway.Sent[0].Body, "login body");
            Equal("Bearer tok", w.Gateway.Sent[0].Headers["authorization"], "bearer token");
            Equal("s-1 0 Playing 960 True 16", session.SessionId + " " + session.Seq + " " + session.State + " " + session.RemainingSeconds + " " + session.Started.BelowRating + " " + session.Started.AgeRating, "started");
            w.Gateway.Reply(200, Answer("continue", 930, 30)).Reply(200, Answer("warn", 900, 45)).Reply(200, Answer("continue", 855));
            w.Clock.Advance(59.999);
            Seq(new long[0], w.Seqs(), "nothing before heartbeatIntervalSeconds");
            w.Clock.Advance(0.001);
            Seq(new long[] { 1 }, w.Seqs(), "first beat at 60 s");
            w.Clock.Advance(30);
            Seq(new long[] { 1, 2 }, w.Seqs(), "then at the answer's 30 s");
            w.Clock.Advance(45);
            Seq(new long[] { 1, 2, 3 }, w.Seqs(), "then at 45 s");
            Seq(new[] { "heartbeat continue 930 seq 1", "heartbeat warn 900 seq 2", "warn 900", "heartbeat continue 855 seq 3" }, w.Events, "events");
            Equal(855, session.RemainingSeconds, "remaining seconds follow the answers");
            session.Stop();
        }

        static void EndOfPlayWithNextWindow()
        {
            var w = new World();
            var session = w.Start();
            w.Gateway.Reply(200, Answer("terminate", 0, 60, "outside_allowed_hours"))
                .Reply(200, "{\"ageBand\":8,\"minor\":true,\"playTime\":{\"allowedNow\":false,\"remainingSeconds\":0,\"nextWindowStart\":\"2026-12-05T20:00:00+08:00\",\"nextWindowEnd\":\"2026-12-05T21:00:00+08:00\"},\"spending\":{\"singleMax\":5000,\"dailyRemaining\":5000,\"monthlyRemaining\":20000}}");
            w.Clock.Advance(60);
            Seq(new[] { "POST /v1/sessions", "POST /v1/sessions/s-1/heartbeat", "GET /v1/limits" }, w.Gateway.Paths(), "asks for the next window");
            Equal("terminate outside_allowed_hours 2026-12-05T20:00:00+08:00 2026-12-05T21:00:00+08:00", w.Events.Last(), "terminate with Saturday's window");
            Equal(SessionState.Terminated, session.State, "terminated");
            w.Clock.Advance(600);
            session.BeatAsync().GetAwaiter().GetResult();
            Equal(3, w.Gateway.Sent.Count, "beats no more");

            var other = new World();
            other.Start();
            other.Gateway.Reply(200, Answer("terminate", 0, 60, "signed_in_elsewhere"));
            other.Clock.Advance(60);
            Equal(2, other.Gateway.Sent.Count, "no window asked when another device took over");
            Equal("terminate signed_in_elsewhere  ", other.Events.Last(), "signed in elsewhere");
        }

        static void LostAnswersRepeatTheSeq()
        {
            var w = new World();
            var session = w.Start();
            w.Gateway.Lost().Lost().Problem("internal_error", 500).Reply(502, "<html>Bad Gateway</html>").Reply(200, Answer("continue", 840)).Reply(200, Answer("continue", 780));
            w.Clock.Advance(60);
            w.Clock.Advance(1);
            w.Clock.Advance(2);
            w.Clock.Advance(4);
            w.Clock.Advance(8);
            Seq(new long[] { 1, 1, 1, 1, 1 }, w.Seqs(), "the same seq until answered");
            w.Clock.Advance(60);
            Seq(new long[] { 1, 1, 1, 1, 1, 2 }, w.Seqs(), "then seq + 1");
            Seq(new[] { "error PlayGuardNetworkException seq 1 retry 1", "error PlayGuardNetworkException seq 1 retry 2", "error PlayGuardProblemException seq 1 retry 4", "error PlayGuardProblemException seq 1 retry 8" }, w.Events.Where(e => e.StartsWith("error")), "backs off 1, 2, 4, 8");
            Seq(new[] { 1.0, 2, 4, 8, 16, 30, 30 }, new[] { 1, 2, 3, 4, 5, 6, 20 }.Select(PlayGuardSession.RetryDelaySeconds), "backoff");
            session.Stop();
        }

        static void RetryAfterOnHeartbeats()
        {
            var w = new World();
            var session = w.Start();
            w.Gateway.Problem("write_contention", 429, "", new Dictionary<string, string> { { "retry-after", "3" } }).Reply(429, "").Reply(200, Answer("continue", 897));
            w.Clock.Advance(60);
            w.Clock.Advance(2.999);
            Seq(new long[] { 1 }, w.Seqs(), "waits Retry-After");
            w.Clock.Advance(0.001);
            w.Clock.Advance(1.999);
            Seq(new long[] { 1, 1 }, w.Seqs(), "a throttle without Retry-After backs off (second failure: 2 s)");
            w.Clock.Advance(0.001);
            Seq(new long[] { 1, 1, 1 }, w.Seqs(), "same seq after 3 s, then after 2 s");
            Seq(new[] { "error PlayGuardProblemException seq 1 retry 3", "error PlayGuardThrottledException seq 1 retry 2" }, w.Events.Where(e => e.StartsWith("error")), "errors with their waits");
            session.Stop();
        }

        static void StaleHeartbeatContinues()
        {
            var w = new World();
            var session = w.Start();
            w.Gateway.Problem("stale_heartbeat", 409, "\"lastSeq\":7").Reply(200, Answer("continue", 900));
            w.Clock.Advance(60);
            w.Clock.Advance(1);
            Seq(new long[] { 1, 8 }, w.Seqs(), "continues after the server's lastSeq");
            session.Stop();
        }

        static void RefusedSessionEnds()
        {
            var w = new World();
            var session = w.Start();
            w.Gateway.Problem("session_not_found", 404);
            w.Clock.Advance(60);
            Equal("terminate session_not_found   session_not_found", w.Events.Last(), "ends with the problem's code");
            Equal(SessionState.Terminated, session.State, "terminated");
        }

        static void PauseAndResume()
        {
            var w = new World();
            var session = w.Start();
            session.Pause();
            w.Clock.Advance(600);
            Seq(new long[0], w.Seqs(), "nothing while paused");
            w.Gateway.Reply(200, Answer("continue", 900, 45)).Reply(200, Answer("continue", 855));
            session.ResumeAsync().GetAwaiter().GetResult();
            Seq(new long[] { 1 }, w.Seqs(), "beats at once on resume");
            w.Clock.Advance(45);
            Seq(new long[] { 1, 2 }, w.Seqs(), "then keeps the server's rhythm");
            session.Stop();
        }

        static void LogoutAndOneLoop()
        {
            var w = new World();
            var session = w.Start();
            w.Gateway.Reply(204);
            session.EndAsync().GetAwaiter().GetResult();
            session.EndAsync().GetAwaiter().GetResult();
            w.Clock.Advance(600);
            Seq(new[] { "POST /v1/sessions", "DELETE /v1/sessions/s-1" }, w.Gateway.Paths(), "one DELETE, no beat after");
            Equal(SessionState.Ended, session.State, "ended");

            var again = new World();
            var first = again.Start();
            again.Gateway.Reply(201, Started.Replace("s-1", "s-2"));
            var second = again.Client.StartSessionAsync("phone-1", true).GetAwaiter().GetResult();
            Equal("{\"deviceId\":\"phone-1\",\"takeover\":true}", again.Gateway.Sent[1].Body, "takeover sent");
            Equal(SessionState.Ended, first.State, "the first loop stopped");
            again.Gateway.Reply(200, Answer("continue", 900));
            again.Clock.Advance(60);
            Seq(new[] { "POST /v1/sessions", "POST /v1/sessions", "POST /v1/sessions/s-2/heartbeat" }, again.Gateway.Paths(), "only the new session beats");
            second.Stop();
        }

        static void TokensAskedEachTime()
        {
            var n = 0;
            var w = new World(() => Task.FromResult("t" + (++n)));
            w.Gateway.Reply(200, "{\"status\":\"none\"}").Reply(200, "{\"status\":\"none\"}");
            w.Client.IdentityStatusAsync().GetAwaiter().GetResult();
            w.Client.IdentityStatusAsync().GetAwaiter().GetResult();
            Seq(new[] { "Bearer t1", "Bearer t2" }, w.Gateway.Sent.Select(r => r.Headers["authorization"]), "token asked before every request");
        }

        static void ServerPayments()
        {
            var gateway = new FakeTransport();
            var server = new PlayGuardServer(new PlayGuardOptions { BaseUrl = "https://pg.test", Token = "server-tok", Transport = gateway, Scheduler = new FakeScheduler() });
            gateway.Reply(201, "{\"orderId\":\"o/1?x\",\"status\":\"reserved\",\"expiresAt\":\"2026-12-04T21:15:00+08:00\"}").Reply(200, "{\"orderId\":\"o/1?x\",\"status\":\"committed\"}").Reply(200, "{\"orderId\":\"o-2\",\"status\":\"cancelled\"}").Reply(200, "{\"challengeId\":\"c-1\",\"status\":\"passed\"}");
            Equal("reserved 2026-12-04T21:15:00+08:00", string.Join(" ", new[] { server.ReserveAsync("o/1?x", 600, "acct-1", "g-main").GetAwaiter().GetResult() }.Select(p => p.Status + " " + p.ExpiresAt)), "reserved");
            Equal("committed", server.CommitAsync("o/1?x").GetAwaiter().GetResult().Status, "committed");
            Equal("cancelled", server.CancelAsync("o-2").GetAwaiter().GetResult().Status, "cancelled");
            Equal("passed", server.ChallengeResultAsync("c-1", true).GetAwaiter().GetResult().Status, "challenge");
            Seq(new[] { "POST /v1/payments", "POST /v1/payments/o%2F1%3Fx/commit", "POST /v1/payments/o-2/cancel", "POST /v1/challenges/c-1/result" }, gateway.Paths(), "paths, ids escaped");
            Equal("{\"orderId\":\"o/1?x\",\"amount\":600,\"accountId\":\"acct-1\",\"gameId\":\"g-main\"}", gateway.Sent[0].Body, "reserve body");
        }

        static void TapCompatCodes()
        {
            const string verified = "{\"status\":\"verified\",\"ageBand\":8,\"minor\":true}";
            // 500, then 1030 with Saturday's window when the clock ends play.
            var w = new World();
            var codes = new List<string>();
            var tap = new TapCompat(w.Client, new TapCompatOptions { DeviceId = "phone-1" });
            tap.RegisterComplianceCallback((code, extra) => codes.Add(code + " " + extra));
            w.Gateway.Reply(200, verified).Reply(201, Started);
            Equal(500, tap.Startup().GetAwaiter().GetResult(), "LOGIN_SUCCESS");
            Equal("{\"deviceId\":\"phone-1\",\"takeover\":true}", w.Gateway.Sent[1].Body, "takes over, as TapSDK asks nothing");
            Equal(960, tap.GetRemainingTime().GetAwaiter().GetResult(), "GetRemainingTime from the session");
            w.Gateway.Reply(200, Answer("terminate", 0, 60, "outside_allowed_hours")).Reply(200, "{\"ageBand\":8,\"minor\":true,\"playTime\":{\"allowedNow\":false,\"remainingSeconds\":0,\"nextWindowStart\":\"2026-12-05T20:00:00+08:00\",\"nextWindowEnd\":\"2026-12-05T21:00:00+08:00\"},\"spending\":{}}");
            w.Clock.Advance(60);
            Seq(new[] { "500 {}", "1030 {\"reason\":\"outside_allowed_hours\",\"description\":null,\"nextWindowStart\":\"2026-12-05T20:00:00+08:00\",\"nextWindowEnd\":\"2026-12-05T21:00:00+08:00\"}" }, codes, "codes");

            // 1030 at login; 9002 without a real name; 1100 below the rating when asked; 1200 with no answer; 1000 on Exit.
            var v = new World();
            var seen = new List<int>();
            var t2 = new TapCompat(v.Client, new TapCompatOptions { DeviceId = "d", AgeLimit = true });
            t2.RegisterComplianceCallback((code, extra) => seen.Add(code));
            v.Gateway.Reply(200, "{\"status\":\"none\"}");
            Equal(9002, t2.Startup().GetAwaiter().GetResult(), "REAL_NAME_STOP");
            v.Gateway.Reply(200, verified).Reply(200, "{\"ageBand\":8,\"minor\":true,\"ageRating\":12,\"belowRating\":true,\"playTime\":{},\"spending\":{}}");
            Equal(1100, t2.Startup().GetAwaiter().GetResult(), "AGE_LIMIT");
            v.Gateway.Lost();
            Equal(1200, t2.Startup().GetAwaiter().GetResult(), "INVALID_CLIENT_OR_NETWORK_ERROR");
            v.Gateway.Reply(200, verified).Reply(200, "{\"ageBand\":8,\"minor\":true,\"belowRating\":false,\"playTime\":{},\"spending\":{}}").Problem("play_time_restricted", 403, "\"nextWindowStart\":\"2026-12-05T20:00:00+08:00\",\"nextWindowEnd\":\"2026-12-05T21:00:00+08:00\"");
            Equal(1030, t2.Startup().GetAwaiter().GetResult(), "PERIOD_RESTRICT at login");
            v.Gateway.Reply(200, verified).Reply(200, "{\"ageBand\":8,\"minor\":true,\"belowRating\":false,\"playTime\":{},\"spending\":{}}").Reply(201, Started).Reply(204);
            Equal(500, t2.Startup().GetAwaiter().GetResult(), "then allowed");
            t2.Exit().GetAwaiter().GetResult();
            Seq(new[] { 9002, 1100, 1200, 1030, 500, 1000 }, seen, "every code reported");
            Equal("DELETE /v1/sessions/s-1", v.Gateway.Paths().Last(), "Exit logs out");

            // 1050 for an older switch; CheckPaymentLimit reserves, a refusal is Status = false; SubmitPayment commits.
            var x = new World();
            var t3 = new TapCompat(x.Client, new TapCompatOptions { DeviceId = "d", DurationLimitCode = TapCompat.DURATION_LIMIT });
            var last = 0;
            t3.RegisterComplianceCallback((code, extra) => last = code);
            x.Gateway.Reply(200, verified).Reply(201, Started).Reply(200, Answer("terminate", 0, 60, "play_time_exhausted")).Reply(200, "{\"playTime\":{},\"spending\":{}}");
            t3.Startup().GetAwaiter().GetResult();
            x.Clock.Advance(60);
            Equal(1050, last, "DURATION_LIMIT when asked for");
            x.Gateway.Reply(201, "{\"orderId\":\"o-1\",\"status\":\"reserved\",\"expiresAt\":\"x\"}").Problem("spending_limit_exceeded", 403, "\"source\":\"law\",\"limit\":\"single\",\"limitAmount\":5000,\"remainingAmount\":5000").Reply(200, "{\"orderId\":\"o-1\",\"status\":\"committed\"}");
            var ok = t3.CheckPaymentLimitAsync(600, "o-1").GetAwaiter().GetResult();
            var refused = t3.CheckPaymentLimitAsync(6000, "o-2").GetAwaiter().GetResult();
            Equal("True False 详情", ok.Status + " " + refused.Status + " " + refused.Description, "payment check");
            t3.SubmitPaymentAsync(600).GetAwaiter().GetResult();
            Equal("POST /v1/payments/o-1/commit", x.Gateway.Paths().Last(), "SubmitPayment commits the reservation");
            Throws<InvalidOperationException>(() => t3.SubmitPaymentAsync(600), "no second commit without a reservation");
            Equal(-1, new TapCompat(NewClientAnswering("{\"ageBand\":18,\"minor\":false,\"playTime\":{\"remainingSeconds\":null},\"spending\":{}}"), new TapCompatOptions()).GetRemainingTime().GetAwaiter().GetResult(), "-1 when no limit applies");
            Equal(16, new TapCompat(NewClientAnswering("{\"status\":\"verified\",\"ageBand\":16,\"minor\":true}"), new TapCompatOptions()).GetAgeRange().GetAwaiter().GetResult(), "GetAgeRange");
        }

        static PlayGuardClient NewClientAnswering(string body)
        {
            var gateway = new FakeTransport().Reply(200, body);
            return new PlayGuardClient(new PlayGuardOptions { BaseUrl = "https://pg.test", Token = "t", Transport = gateway, Scheduler = new FakeScheduler() });
        }
    }
}
