using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace PlayGuard
{
    /// <summary>Options of <see cref="TapCompat"/>.</summary>
    public sealed class TapCompatOptions
    {
        /// <summary>This install's device id (hashed by the gateway before storage).</summary>
        public string DeviceId;
        /// <summary>
        /// Shows the real-name form and returns the submission's answer, or null when the player closes
        /// it (then 9002). Given a submit function (name, ID number). Without it a player with no real
        /// name gets 9002 at once.
        /// </summary>
        public Func<Func<string, string, Task<IdentityStatus>>, Task<IdentityStatus>> RealName;
        /// <summary>TapSDK's 可玩年龄限制: refuse with 1100 a player below the game's age rating (PlayGuard itself only shows the label).</summary>
        public bool AgeLimit;
        /// <summary>The code for a day's play time used up: 1030, as TapSDK 4.10 sends (it deprecated 1050), or 1050 for older switch statements.</summary>
        public int DurationLimitCode = TapCompat.PERIOD_RESTRICT;
        /// <summary>Start the session even when another device holds one (that one then gets 1000). TapSDK has no such question.</summary>
        public bool Takeover = true;
    }

    /// <summary>TapSDK's payment check result: <see cref="Status"/> true when the payment may go ahead.</summary>
    public sealed class TapCheckPayResult
    {
        public bool Status;
        public string Title = "";
        public string Description = "";
        /// <summary>The reservation PlayGuard holds for it.</summary>
        public string OrderId;
    }

    /// <summary>
    /// PlayGuard behind the shape of TapSDK v4's <c>TapTapCompliance</c>, for a studio that keeps its
    /// switch on the callback codes while it moves (docs/integration.md maps every call and code).
    /// The callback's second argument is a JSON object: <c>reason</c> (PlayGuard's), <c>description</c>
    /// (safe to show), <c>nextWindowStart</c> / <c>nextWindowEnd</c> for 1030.
    /// </summary>
    public sealed class TapCompat
    {
        public const int LOGIN_SUCCESS = 500;
        public const int EXITED = 1000;
        public const int SWITCH_ACCOUNT = 1001;
        public const int PERIOD_RESTRICT = 1030;
        public const int DURATION_LIMIT = 1050;
        public const int AGE_LIMIT = 1100;
        public const int INVALID_CLIENT_OR_NETWORK_ERROR = 1200;
        public const int REAL_NAME_STOP = 9002;

        static readonly string[] Clock = { "outside_allowed_hours", "play_time_restricted", "guardian_restricted" };
        static readonly string[] NetworkLike = { "unauthorized", "unknown_game", "internal_error", "upstream_unavailable", "forbidden", "rate_limited", "write_contention" };

        readonly PlayGuardClient client;
        readonly TapCompatOptions options;
        readonly List<Action<int, string>> callbacks = new List<Action<int, string>>();
        readonly List<KeyValuePair<string, long>> reserved = new List<KeyValuePair<string, long>>();
        bool exiting;

        /// <summary>The live session, for its Warn and Heartbeat events and Pause/ResumeAsync.</summary>
        public PlayGuardSession Session { get; private set; }

        public TapCompat(PlayGuardClient client, TapCompatOptions options)
        {
            this.client = client;
            this.options = options;
        }

        /// <summary><c>TapTapCompliance.RegisterComplianceCallback</c>.</summary>
        public void RegisterComplianceCallback(Action<int, string> callback) { callbacks.Add(callback); }

        int Emit(int code, Dictionary<string, object> extra = null)
        {
            var json = Json.Write(extra ?? new Dictionary<string, object>());
            foreach (var cb in callbacks.ToArray()) cb(code, json);
            return code;
        }

        int CodeOf(string reason)
        {
            if (reason == "play_time_exhausted") return options.DurationLimitCode;
            if (Array.IndexOf(Clock, reason) >= 0) return PERIOD_RESTRICT;
            if (Array.IndexOf(NetworkLike, reason) >= 0) return INVALID_CLIENT_OR_NETWORK_ERROR;
            return EXITED;
        }

        int Failure(PlayGuardException error)
        {
            var problem = error as PlayGuardProblemException;
            if (problem == null) return Emit(INVALID_CLIENT_OR_NETWORK_ERROR, new Dictionary<string, object> { { "reason", error is PlayGuardThrottledException ? "throttled" : "network" } });
            var extra = new Dictionary<string, object> { { "reason", problem.CodeName }, { "description", problem.Detail } };
            if (problem.Code == ProblemCode.IdentityRequired) return Emit(REAL_NAME_STOP, extra);
            if (problem.Code == ProblemCode.PlayTimeRestricted || problem.Code == ProblemCode.GuardianRestricted)
            {
                extra["nextWindowStart"] = problem.NextWindowStart;
                extra["nextWindowEnd"] = problem.NextWindowEnd;
            }
            return Emit(CodeOf(problem.CodeName), extra);
        }

        /// <summary><c>TapTapCompliance.Startup</c>: real name if needed, then the session; returns the code it reported.</summary>
        public async Task<int> Startup()
        {
            exiting = false;
            try
            {
                var identity = await client.IdentityStatusAsync();
                if (identity.Status == "none" || identity.Status == "rejected")
                {
                    var answer = options.RealName != null ? await options.RealName((name, id) => client.SubmitIdentityAsync(name, id)) : null;
                    if (answer == null) return Emit(REAL_NAME_STOP);
                }
                if (options.AgeLimit && (await client.LimitsAsync()).BelowRating) return Emit(AGE_LIMIT, new Dictionary<string, object> { { "reason", "below_age_rating" } });
                var session = await client.StartSessionAsync(options.DeviceId, options.Takeover);
                Session = session;
                session.Terminated += e =>
                {
                    Session = null;
                    if (exiting) return;
                    Emit(CodeOf(e.Reason), new Dictionary<string, object>
                    {
                        { "reason", e.Reason },
                        { "description", e.Problem != null ? e.Problem.Detail : null },
                        { "nextWindowStart", e.NextWindowStart },
                        { "nextWindowEnd", e.NextWindowEnd },
                    });
                };
                return Emit(LOGIN_SUCCESS);
            }
            catch (PlayGuardException e)
            {
                return Failure(e);
            }
        }

        /// <summary><c>TapTapCompliance.Exit</c>: ends the session (1000 EXITED).</summary>
        public async Task Exit()
        {
            exiting = true;
            var live = Session;
            Session = null;
            try
            {
                if (live != null) await live.EndAsync();
            }
            finally
            {
                Emit(EXITED, new Dictionary<string, object> { { "reason", "exit" } });
            }
        }

        /// <summary><c>TapTapCompliance.GetRemainingTime</c>: seconds of play left; -1 when no limit applies (an adult).</summary>
        public async Task<int> GetRemainingTime()
        {
            var left = Session != null ? Session.RemainingSeconds : (await client.LimitsAsync()).RemainingSeconds;
            return left ?? -1;
        }

        /// <summary><c>TapTapCompliance.GetAgeRange</c>: -1 without a real name, else 0, 8, 16 or 18 (TapSDK's CHILD, TEEN, YOUNG, ADULT).</summary>
        public async Task<int> GetAgeRange()
        {
            var identity = await client.IdentityStatusAsync();
            return (identity.Status == "verified" || identity.Status == "pending") && identity.AgeBand.HasValue ? identity.AgeBand.Value : -1;
        }

        /// <summary><c>TapTapCompliance.CheckPaymentLimit</c>: reserves <paramref name="amount"/> fen against the limits; a refusal is <c>Status = false</c>.</summary>
        public async void CheckPaymentLimit(long amount, Action<TapCheckPayResult> handleCheckPayLimit, Action<string> handleCheckPayLimitException)
        {
            try
            {
                handleCheckPayLimit(await CheckPaymentLimitAsync(amount));
            }
            catch (Exception e)
            {
                if (handleCheckPayLimitException != null) handleCheckPayLimitException(e.Message);
            }
        }

        /// <summary>As <see cref="CheckPaymentLimit"/>, awaitable, with the order id to use.</summary>
        public async Task<TapCheckPayResult> CheckPaymentLimitAsync(long amount, string orderId = null)
        {
            var id = orderId ?? "tap-" + Guid.NewGuid().ToString("N");
            try
            {
                await client.ReservePaymentAsync(id, amount);
                lock (reserved) reserved.Add(new KeyValuePair<string, long>(id, amount));
                return new TapCheckPayResult { Status = true, OrderId = id };
            }
            catch (PlayGuardProblemException e)
            {
                if (e.Code == ProblemCode.SpendingLimitExceeded || e.Code == ProblemCode.GuardianDeclined || e.Code == ProblemCode.IdentityRequired || e.Code == ProblemCode.GuardianConsentRequired)
                    return new TapCheckPayResult { Status = false, Title = e.Title, Description = e.Detail, OrderId = id };
                throw;
            }
        }

        /// <summary><c>TapTapCompliance.SubmitPayment</c>: commits the reservation <see cref="CheckPaymentLimit"/> made for this amount.</summary>
        public async void SubmitPayment(long amount, Action handleSubmitPayResult, Action<string> handleSubmitPayResultException)
        {
            try
            {
                await SubmitPaymentAsync(amount);
                if (handleSubmitPayResult != null) handleSubmitPayResult();
            }
            catch (Exception e)
            {
                if (handleSubmitPayResultException != null) handleSubmitPayResultException(e.Message);
            }
        }

        /// <summary>As <see cref="SubmitPayment"/>, awaitable; <paramref name="orderId"/> picks the reservation.</summary>
        public async Task SubmitPaymentAsync(long amount, string orderId = null)
        {
            string id = orderId;
            int at = -1;
            lock (reserved)
            {
                at = reserved.FindIndex(r => orderId != null ? r.Key == orderId : r.Value == amount);
                if (id == null && at >= 0) id = reserved[at].Key;
            }
            if (id == null) throw new InvalidOperationException("no reservation of " + amount + " fen: call CheckPaymentLimit first");
            await client.CommitPaymentAsync(id);
            lock (reserved) if (at >= 0 && at < reserved.Count && reserved[at].Key == id) reserved.RemoveAt(at);
        }
    }
}
