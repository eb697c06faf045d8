using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace PlayGuard
{
    /// <summary>
    /// PlayGuard's client for a game: one per signed-in player (the token's <c>sub</c> is the game
    /// account). Every call throws <see cref="PlayGuardProblemException"/>,
    /// <see cref="PlayGuardThrottledException"/> or <see cref="PlayGuardNetworkException"/>; a call that
    /// is safe to repeat is repeated inside after a short <c>Retry-After</c>.
    /// </summary>
    public sealed class PlayGuardClient
    {
        readonly Caller caller;
        PlayGuardSession current;

        public PlayGuardClient(PlayGuardOptions options)
        {
            caller = new Caller(options);
        }

        static string Path(string segment) { return Uri.EscapeDataString(segment); }

        // ---- Identity

        /// <summary>Real-name submission (POST /v1/identity): <c>verified</c>, or <c>pending</c> while the national system answers later.</summary>
        /// <param name="guardianConsentPolicyVersion">Under-14 consent, when the deployment's policy is <c>attested</c>: the privacy policy version the guardian agreed to.</param>
        public async Task<IdentityStatus> SubmitIdentityAsync(string name, string idNumber, string guardianConsentPolicyVersion = null)
        {
            var body = new Dictionary<string, object> { { "name", name }, { "idNumber", idNumber } };
            if (guardianConsentPolicyVersion != null) body["guardianConsent"] = new Dictionary<string, object> { { "policyVersion", guardianConsentPolicyVersion } };
            return IdentityStatus.From(await caller.CallAsync("POST", "/v1/identity", body));
        }

        /// <summary>GET /v1/identity.</summary>
        public async Task<IdentityStatus> IdentityStatusAsync()
        {
            return IdentityStatus.From(await caller.CallAsync("GET", "/v1/identity"));
        }

        // ---- Games and limits

        /// <summary>The publisher's games with their age ratings (no credential needed).</summary>
        public async Task<List<Game>> GamesAsync()
        {
            return Game.ListFrom(await caller.CallAsync("GET", "/v1/games", null, false));
        }

        /// <summary>Play time and spending limits now (GET /v1/limits).</summary>
        public async Task<Limits> LimitsAsync()
        {
            return Limits.From(await caller.CallAsync("GET", "/v1/limits"));
        }

        // ---- Sessions

        /// <summary>
        /// Log in to play (POST /v1/sessions) and start the heartbeat loop. Throws the problem when play
        /// is refused (<see cref="ProblemCode.PlayTimeRestricted"/> with the next window;
        /// <see cref="ProblemCode.SessionActiveElsewhere"/>: ask the player, then call again with
        /// <paramref name="takeover"/>). A new session of this client stops the previous one's loop.
        /// </summary>
        public async Task<PlayGuardSession> StartSessionAsync(string deviceId, bool takeover = false)
        {
            var body = new Dictionary<string, object> { { "deviceId", deviceId } };
            if (takeover) body["takeover"] = true;
            var started = SessionStarted.From(await caller.CallAsync("POST", "/v1/sessions", body));
            if (current != null) current.Stop();
            current = new PlayGuardSession(caller, started);
            return current;
        }

        // ---- Payments made from the game itself (prefer the game server's, PlayGuardServer)

        /// <summary>Reserve a payment for this account before charging (POST /v1/payments).</summary>
        public async Task<PaymentState> ReservePaymentAsync(string orderId, long amountFen)
        {
            var body = new Dictionary<string, object> { { "orderId", orderId }, { "amount", amountFen } };
            return PaymentState.From(await caller.CallAsync("POST", "/v1/payments", body));
        }

        public async Task<PaymentState> CommitPaymentAsync(string orderId)
        {
            return PaymentState.From(await caller.CallAsync("POST", "/v1/payments/" + Path(orderId) + "/commit"));
        }

        public async Task<PaymentState> CancelPaymentAsync(string orderId)
        {
            return PaymentState.From(await caller.CallAsync("POST", "/v1/payments/" + Path(orderId) + "/cancel"));
        }

        // ---- The player's rights and requests (answers as parsed JSON; docs/api.md describes them)

        /// <summary>Everything the gateway keeps about this account and its person (GET /v1/me/data).</summary>
        public async Task<Dictionary<string, object>> MyDataAsync() { return await caller.CallAsync("GET", "/v1/me/data") as Dictionary<string, object>; }

        /// <summary>Erase it (DELETE /v1/me): <c>erased</c>, and what the law still needs in <c>retained</c>.</summary>
        public async Task<Dictionary<string, object>> EraseMeAsync() { return await caller.CallAsync("DELETE", "/v1/me") as Dictionary<string, object>; }

        /// <summary>Every account bound to this player's identity (GET /v1/me/accounts).</summary>
        public async Task<Dictionary<string, object>> MyAccountsAsync() { return await caller.CallAsync("GET", "/v1/me/accounts") as Dictionary<string, object>; }

        /// <summary>Unbind an account bound after this one (DELETE /v1/me/accounts/{accountId}).</summary>
        public Task UnbindAccountAsync(string accountId) { return caller.CallAsync("DELETE", "/v1/me/accounts/" + Path(accountId)); }

        /// <summary>This player's guardians (GET /v1/me/guardians).</summary>
        public async Task<Dictionary<string, object>> MyGuardiansAsync() { return await caller.CallAsync("GET", "/v1/me/guardians") as Dictionary<string, object>; }

        /// <summary>Confirm a guardian's link with its code (POST /v1/me/guardians/confirm).</summary>
        public Task ConfirmGuardianAsync(string code) { return caller.CallAsync("POST", "/v1/me/guardians/confirm", new Dictionary<string, object> { { "code", code } }); }

        /// <summary>Decline a pending guardian link (DELETE /v1/me/guardians/{linkId}); a confirmed one → <see cref="ProblemCode.LinkConfirmed"/>.</summary>
        public Task DeclineGuardianAsync(string linkId) { return caller.CallAsync("DELETE", "/v1/me/guardians/" + Path(linkId)); }

        /// <summary>File a complaint or request (POST /v1/complaints): category <c>real_name</c>, <c>play_time</c>, <c>payment</c>, <c>personal_information</c>, <c>account_sharing</c> or <c>other</c>.</summary>
        public async Task<Dictionary<string, object>> SubmitComplaintAsync(string category, string text, string orderId = null, string gameId = null)
        {
            var body = new Dictionary<string, object> { { "category", category }, { "text", text } };
            if (orderId != null) body["orderId"] = orderId;
            if (gameId != null) body["gameId"] = gameId;
            return await caller.CallAsync("POST", "/v1/complaints", body) as Dictionary<string, object>;
        }

        /// <summary>This player's complaints and their answers (GET /v1/me/complaints).</summary>
        public async Task<Dictionary<string, object>> MyComplaintsAsync() { return await caller.CallAsync("GET", "/v1/me/complaints") as Dictionary<string, object>; }
    }

    /// <summary>The game server's client: a <c>server</c>-scope token; it names the account on each payment.</summary>
    public sealed class PlayGuardServer
    {
        readonly Caller caller;

        public PlayGuardServer(PlayGuardOptions options)
        {
            caller = new Caller(options);
        }

        /// <summary>
        /// Reserve before charging (POST /v1/payments): the amount counts against the limits from now on.
        /// Idempotent on <paramref name="orderId"/>. Refusals: <see cref="ProblemCode.SpendingLimitExceeded"/>
        /// (with <see cref="PlayGuardProblemException.Limit"/> and the amounts), <see cref="ProblemCode.GuardianApprovalRequired"/>, ….
        /// </summary>
        public async Task<PaymentState> ReserveAsync(string orderId, long amountFen, string accountId, string gameId = null)
        {
            var body = new Dictionary<string, object> { { "orderId", orderId }, { "amount", amountFen }, { "accountId", accountId } };
            if (gameId != null) body["gameId"] = gameId;
            return PaymentState.From(await caller.CallAsync("POST", "/v1/payments", body));
        }

        /// <summary>The payment went through (POST /v1/payments/{orderId}/commit). Idempotent.</summary>
        public async Task<PaymentState> CommitAsync(string orderId)
        {
            return PaymentState.From(await caller.CallAsync("POST", "/v1/payments/" + Uri.EscapeDataString(orderId) + "/commit"));
        }

        /// <summary>The payment did not go through: release the reserved amount. Idempotent.</summary>
        public async Task<PaymentState> CancelAsync(string orderId)
        {
            return PaymentState.From(await caller.CallAsync("POST", "/v1/payments/" + Uri.EscapeDataString(orderId) + "/cancel"));
        }

        /// <summary>The publisher's verdict on a <see cref="ProblemCode.ChallengeRequired"/> (face check).</summary>
        public async Task<ChallengeState> ChallengeResultAsync(string challengeId, bool passed, string method = "face")
        {
            var body = new Dictionary<string, object> { { "passed", passed }, { "method", method } };
            return ChallengeState.From(await caller.CallAsync("POST", "/v1/challenges/" + Uri.EscapeDataString(challengeId) + "/result", body));
        }
    }
}
