using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace PlayGuard
{
    /// <summary>
    /// Runs an action later, on the game's thread. The heartbeat loop, timeouts and waits all go
    /// through it, so a game can drive them from its own loop (<c>PlayGuardRunner</c> in Unity, which
    /// also works on WebGL) and a test from a fake clock.
    /// </summary>
    public interface IPlayGuardScheduler
    {
        /// <summary>Runs <paramref name="action"/> after <paramref name="delay"/>; disposing the handle cancels it.</summary>
        IDisposable Schedule(TimeSpan delay, Action action);
    }

    /// <summary>
    /// The default scheduler: <see cref="Task.Delay(TimeSpan, CancellationToken)"/>, posting back to the
    /// <see cref="SynchronizationContext"/> of the caller when it has one (Unity's main thread does).
    /// </summary>
    public sealed class DelayScheduler : IPlayGuardScheduler
    {
        public IDisposable Schedule(TimeSpan delay, Action action)
        {
            var cancel = new CancellationTokenSource();
            var context = SynchronizationContext.Current;
            Task.Delay(delay < TimeSpan.Zero ? TimeSpan.Zero : delay, cancel.Token).ContinueWith(t =>
            {
                if (t.IsCanceled) return;
                if (context != null) context.Post(_ => action(), null);
                else action();
            }, TaskScheduler.Default);
            return new Handle(cancel);
        }

        sealed class Handle : IDisposable
        {
            readonly CancellationTokenSource cancel;
            public Handle(CancellationTokenSource cancel) { this.cancel = cancel; }
            public void Dispose() { cancel.Cancel(); }
        }
    }

    /// <summary>How a client reaches the gateway.</summary>
    public sealed class PlayGuardOptions
    {
        /// <summary>The gateway's address, e.g. <c>https://api.example.cn</c>.</summary>
        public string BaseUrl;
        /// <summary>The bearer token; or set <see cref="TokenProvider"/>, asked before every request so an expiring token can be renewed.</summary>
        public string Token;
        public Func<Task<string>> TokenProvider;
        /// <summary>Default: <c>UnityWebRequestTransport</c> inside Unity, <see cref="HttpClientTransport"/> elsewhere.</summary>
        public IPlayGuardTransport Transport;
        /// <summary>Default: <see cref="DelayScheduler"/>.</summary>
        public IPlayGuardScheduler Scheduler;
        /// <summary>A request with no complete answer in this time counts as lost (default 10 s).</summary>
        public TimeSpan Timeout = TimeSpan.FromSeconds(10);
    }

    /// <summary>One request, one answer: the parsed body of a 2xx, or a thrown <see cref="PlayGuardException"/>.</summary>
    internal sealed class Caller
    {
        /// <summary>At most this many seconds of <c>Retry-After</c> are waited out inside a call; a longer wait is the caller's to decide.</summary>
        internal const int MaxInlineRetryAfterSeconds = 5;

        internal readonly string BaseUrl;
        internal readonly IPlayGuardScheduler Scheduler;
        readonly PlayGuardOptions options;
        readonly IPlayGuardTransport transport;

        internal Caller(PlayGuardOptions options)
        {
            if (options == null || string.IsNullOrEmpty(options.BaseUrl)) throw new ArgumentException("PlayGuardOptions.BaseUrl is required");
            this.options = options;
            BaseUrl = options.BaseUrl.TrimEnd('/');
            transport = options.Transport ?? DefaultTransport();
            Scheduler = options.Scheduler ?? new DelayScheduler();
        }

        static IPlayGuardTransport DefaultTransport()
        {
#if UNITY_5_3_OR_NEWER
            return new UnityWebRequestTransport();
#else
            return new HttpClientTransport();
#endif
        }

        internal Task DelayAsync(double seconds)
        {
            var done = new TaskCompletionSource<bool>();
            Scheduler.Schedule(TimeSpan.FromSeconds(seconds), () => done.TrySetResult(true));
            return done.Task;
        }

        internal async Task<object> SendAsync(string method, string path, object body, bool auth)
        {
            var request = new PlayGuardRequest { Method = method, Url = BaseUrl + path };
            request.Headers["accept"] = "application/json, application/problem+json";
            if (auth)
            {
                var token = options.TokenProvider != null ? await options.TokenProvider() : options.Token;
                request.Headers["authorization"] = "Bearer " + token;
            }
            if (body != null)
            {
                request.Headers["content-type"] = "application/json";
                request.Body = Json.Write(body);
            }

            var cancel = new CancellationTokenSource();
            var timedOut = new TaskCompletionSource<PlayGuardResponse>();
            var timer = Scheduler.Schedule(options.Timeout, () =>
            {
                timedOut.TrySetException(new PlayGuardNetworkException(NetworkFailure.Timeout, null));
                cancel.Cancel();
            });
            Task<PlayGuardResponse> sending;
            try
            {
                sending = transport.SendAsync(request, cancel.Token);
            }
            catch (Exception e)
            {
                timer.Dispose();
                throw new PlayGuardNetworkException(NetworkFailure.Network, e);
            }
            PlayGuardResponse response;
            try
            {
                var first = await Task.WhenAny(sending, timedOut.Task);
                response = await first;
            }
            catch (PlayGuardNetworkException)
            {
                // A late failure of the request after the timeout is not news.
                Observe(sending);
                throw;
            }
            catch (OperationCanceledException e)
            {
                throw new PlayGuardNetworkException(NetworkFailure.Timeout, e);
            }
            catch (Exception e)
            {
                throw new PlayGuardNetworkException(NetworkFailure.Network, e);
            }
            finally
            {
                timer.Dispose();
            }

            object data = null;
            if (!string.IsNullOrEmpty(response.Body))
            {
                try { data = Json.Parse(response.Body); }
                catch (FormatException) { data = null; }
            }
            if (response.Status >= 200 && response.Status < 300) return data;
            throw FailureOf(response, data);
        }

        static void Observe(Task task)
        {
            task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        static PlayGuardException FailureOf(PlayGuardResponse response, object data)
        {
            var retryAfter = RetryAfterSeconds(response.Header("retry-after"), DateTime.UtcNow);
            var requestId = response.Header("x-request-id");
            var document = data as Dictionary<string, object>;
            if (document != null && JsonRead.Get(document, "code") is string) return new PlayGuardProblemException(response.Status, document, retryAfter, requestId);
            if (response.Status == 429 || response.Status == 503) return new PlayGuardThrottledException(response.Status, retryAfter, requestId);
            var code = ProblemCodes.FallbackCode(response.Status);
            var fallback = new Dictionary<string, object>
            {
                { "type", "urn:playguard:problem:" + ProblemCodes.WireName(code) },
                { "title", ProblemCodes.WireName(code) },
                { "status", (double)ProblemCodes.Status(code) },
                { "detail", ProblemCodes.FallbackDetail(code) },
                { "code", ProblemCodes.WireName(code) },
            };
            return new PlayGuardProblemException(response.Status, fallback, retryAfter, requestId);
        }

        /// <summary><c>Retry-After</c> as seconds: a number of seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable.</summary>
        public static int? RetryAfterSeconds(string value, DateTime nowUtc)
        {
            if (string.IsNullOrEmpty(value)) return null;
            int seconds;
            if (int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out seconds)) return seconds;
            DateTime at;
            if (DateTime.TryParseExact(value.Trim(), "r", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out at))
                return Math.Max(0, (int)Math.Ceiling((at - nowUtc).TotalSeconds));
            return null;
        }

        /// <summary>How long to wait before repeating after this error inside a call, or null to throw it.</summary>
        internal static double? InlineWait(Exception error, int attempt)
        {
            if (attempt >= 2) return null;
            int? wait = null;
            var throttled = error as PlayGuardThrottledException;
            var problem = error as PlayGuardProblemException;
            if (throttled != null) wait = throttled.RetryAfter ?? attempt + 1;
            else if (problem != null && (problem.HttpStatus == 429 || problem.HttpStatus == 503)) wait = problem.RetryAfterSeconds;
            return wait.HasValue && wait.Value <= MaxInlineRetryAfterSeconds ? (double?)wait.Value : null;
        }

        /// <summary>
        /// A call that is safe to repeat: repeated up to twice after a short <c>Retry-After</c> on a
        /// 429/503 (or 1 s, then 2 s, when the front door throttles without one); otherwise thrown.
        /// </summary>
        internal async Task<object> CallAsync(string method, string path, object body = null, bool auth = true)
        {
            for (var attempt = 0; ; attempt++)
            {
                double? wait;
                try
                {
                    return await SendAsync(method, path, body, auth);
                }
                catch (PlayGuardException e)
                {
                    wait = InlineWait(e, attempt);
                    if (!wait.HasValue) throw;
                }
                await DelayAsync(wait.Value);
            }
        }
    }
}
