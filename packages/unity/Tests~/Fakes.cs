// Test doubles for the C# client's own tests (Tests~ is ignored by Unity; the repository's
// test/unit/unityClient.test.ts compiles these with Mono's mcs and runs them).
using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using PlayGuard;

namespace PlayGuard.Tests
{
    /// <summary>A gateway that answers from a queue and records every request (paths relative to the base URL).</summary>
    public sealed class FakeTransport : IPlayGuardTransport
    {
        public readonly List<PlayGuardRequest> Sent = new List<PlayGuardRequest>();
        readonly Queue<Func<PlayGuardRequest, CancellationToken, Task<PlayGuardResponse>>> replies = new Queue<Func<PlayGuardRequest, CancellationToken, Task<PlayGuardResponse>>>();
        public int Cancelled;

        public Task<PlayGuardResponse> SendAsync(PlayGuardRequest request, CancellationToken cancel)
        {
            Sent.Add(request);
            if (replies.Count == 0) throw new InvalidOperationException("no reply scripted for " + request.Method + " " + request.Url);
            return replies.Dequeue()(request, cancel);
        }

        public FakeTransport Reply(int status, string body = null, Dictionary<string, string> headers = null)
        {
            replies.Enqueue((r, c) =>
            {
                var response = new PlayGuardResponse { Status = status, Body = body };
                if (headers != null) foreach (var h in headers) response.Headers[h.Key] = h.Value;
                return Task.FromResult(response);
            });
            return this;
        }

        public FakeTransport Problem(string code, int status, string extra = "", Dictionary<string, string> headers = null)
        {
            var body = "{\"type\":\"urn:playguard:problem:" + code + "\",\"title\":\"" + code + "\",\"status\":" + status + ",\"detail\":\"详情\",\"code\":\"" + code + "\"" + (extra.Length > 0 ? "," + extra : "") + "}";
            return Reply(status, body, headers);
        }

        /// <summary>No answer: the request fails on the way.</summary>
        public FakeTransport Lost()
        {
            replies.Enqueue((r, c) =>
            {
                var failed = new TaskCompletionSource<PlayGuardResponse>();
                failed.SetException(new System.Net.Http.HttpRequestException("connection reset"));
                return failed.Task;
            });
            return this;
        }

        /// <summary>No answer ever, until cancelled.</summary>
        public FakeTransport Hang()
        {
            replies.Enqueue((r, c) =>
            {
                var pending = new TaskCompletionSource<PlayGuardResponse>();
                c.Register(() => { Cancelled++; pending.TrySetCanceled(); });
                return pending.Task;
            });
            return this;
        }

        public int Pending { get { return replies.Count; } }

        public List<string> Paths()
        {
            var result = new List<string>();
            foreach (var r in Sent) result.Add(r.Method + " " + r.Url.Replace("https://pg.test", ""));
            return result;
        }
    }

    /// <summary>A clock the test moves: scheduled actions run, in order, when their time comes.</summary>
    public sealed class FakeScheduler : IPlayGuardScheduler
    {
        sealed class Entry : IDisposable
        {
            public double Due;
            public long Order;
            public Action Action;
            public bool Cancelled;
            public void Dispose() { Cancelled = true; }
        }

        readonly List<Entry> entries = new List<Entry>();
        long order;
        public double Now;
        public readonly List<double> Delays = new List<double>();

        public IDisposable Schedule(TimeSpan delay, Action action)
        {
            var e = new Entry { Due = Now + delay.TotalSeconds, Order = order++, Action = action };
            Delays.Add(delay.TotalSeconds);
            lock (entries) entries.Add(e);
            return e;
        }

        /// <summary>Moves the clock forward, running everything that falls due on the way.</summary>
        public void Advance(double seconds)
        {
            var until = Now + seconds;
            while (true)
            {
                Entry next = null;
                lock (entries)
                {
                    foreach (var e in entries)
                        if (!e.Cancelled && e.Due <= until + 1e-9 && (next == null || e.Due < next.Due || (e.Due == next.Due && e.Order < next.Order))) next = e;
                    if (next != null) entries.Remove(next);
                }
                if (next == null) break;
                Now = Math.Max(Now, next.Due);
                next.Action();
            }
            Now = until;
        }
    }
}
