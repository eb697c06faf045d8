using System;
using System.Collections.Generic;

namespace PlayGuard
{
    /// <summary>Any failure of a PlayGuard call: a problem, throttling, or no answer.</summary>
    public abstract class PlayGuardException : Exception
    {
        protected PlayGuardException(string message, Exception inner) : base(message, inner) { }
    }

    /// <summary>
    /// A problem document (RFC 9457) the gateway answered, or a refusal of its front door read as the
    /// catalogue's code for its status. Switch on <see cref="Code"/>; <see cref="Detail"/> is safe to
    /// show the player (Chinese). Extension members are read with the typed properties or <see cref="Member"/>.
    /// </summary>
    public sealed class PlayGuardProblemException : PlayGuardException
    {
        /// <summary>The code; <see cref="ProblemCode.Unknown"/> for one newer than this package (see <see cref="CodeName"/>).</summary>
        public ProblemCode Code { get; private set; }
        /// <summary>The code as sent, e.g. <c>play_time_restricted</c>.</summary>
        public string CodeName { get; private set; }
        public string Type { get; private set; }
        public string Title { get; private set; }
        /// <summary>The problem's status (the catalogue's).</summary>
        public int Status { get; private set; }
        /// <summary>Safe to show the player (Chinese); never personal data.</summary>
        public string Detail { get; private set; }
        /// <summary>The status line of the answer (equal to <see cref="Status"/> unless the answer was not a problem document).</summary>
        public int HttpStatus { get; private set; }
        /// <summary>Seconds to wait before sending the same request again (<c>Retry-After</c>), null when not given.</summary>
        public int? RetryAfterSeconds { get; private set; }
        public string RequestId { get; private set; }
        /// <summary>The document as received.</summary>
        public IDictionary<string, object> Document { get; private set; }

        public PlayGuardProblemException(int httpStatus, IDictionary<string, object> document, int? retryAfterSeconds, string requestId)
            : base(JsonRead.Str(document, "code") + ": " + JsonRead.Str(document, "detail"), null)
        {
            Document = document;
            CodeName = JsonRead.Str(document, "code");
            Code = ProblemCodes.Parse(CodeName);
            Type = JsonRead.Str(document, "type");
            Title = JsonRead.Str(document, "title");
            Status = JsonRead.Int(document, "status") ?? httpStatus;
            Detail = JsonRead.Str(document, "detail");
            HttpStatus = httpStatus;
            RetryAfterSeconds = retryAfterSeconds;
            RequestId = requestId;
        }

        /// <summary>An extension member as parsed (null when absent).</summary>
        public object Member(string name) { return JsonRead.Get(Document, name); }

        /// <summary><c>play_time_restricted</c>, <c>guardian_restricted</c>: the next window in which play is allowed (Beijing offset).</summary>
        public string NextWindowStart { get { return JsonRead.Str(Document, "nextWindowStart"); } }
        public string NextWindowEnd { get { return JsonRead.Str(Document, "nextWindowEnd"); } }
        /// <summary><c>stale_heartbeat</c>: the highest seq the server has counted.</summary>
        public long? LastSeq { get { return JsonRead.Long(Document, "lastSeq"); } }
        /// <summary><c>challenge_required</c>.</summary>
        public string ChallengeId { get { return JsonRead.Str(Document, "challengeId"); } }
        public string ChallengeKind { get { return JsonRead.Str(Document, "challengeKind"); } }
        public string Signal { get { return JsonRead.Str(Document, "signal"); } }
        /// <summary><c>spending_limit_exceeded</c>: which limit (<c>single</c>, <c>daily</c>, <c>monthly</c>, <c>age</c>), who set it (<c>law</c>, <c>publisher</c>, <c>guardian</c>), in fen.</summary>
        public string Limit { get { return JsonRead.Str(Document, "limit"); } }
        public string LimitSource { get { return JsonRead.Str(Document, "source"); } }
        public long? LimitAmount { get { return JsonRead.Long(Document, "limitAmount"); } }
        public long? RemainingAmount { get { return JsonRead.Long(Document, "remainingAmount"); } }
        /// <summary><c>order_conflict</c>: the order's real state when it moved on.</summary>
        public string OrderStatus { get { return JsonRead.Str(Document, "orderStatus"); } }
        /// <summary><c>guardian_approval_required</c>.</summary>
        public string ApprovalId { get { return JsonRead.Str(Document, "approvalId"); } }
        public string ExpiresAt { get { return JsonRead.Str(Document, "expiresAt"); } }
        /// <summary><c>invalid_id_number</c>: <c>format</c>, <c>region</c>, <c>birth_date</c>, <c>check_digit</c>, <c>national_system</c>; <c>refund_not_eligible</c>: <c>not_committed</c>, <c>adult_order</c>.</summary>
        public string Reason { get { return JsonRead.Str(Document, "reason"); } }
        /// <summary><c>guardian_consent_required</c>: the privacy policy version the guardian consents to, and who records it (<c>attested</c>: submit the identity again with it; <c>guardian</c>: the guardian, in the parent's app).</summary>
        public string PolicyVersion { get { return JsonRead.Str(Document, "policyVersion"); } }
        public string Consent { get { return JsonRead.Str(Document, "consent"); } }
    }

    /// <summary>
    /// The gateway's front door is shedding load: a 429 or 503 with no problem document. Nothing was
    /// done; send the same request again after <see cref="RetryAfter"/> seconds (null: back off).
    /// Not <see cref="ProblemCode.RateLimited"/>, which refuses too many failed real-name submissions.
    /// </summary>
    public sealed class PlayGuardThrottledException : PlayGuardException
    {
        public int HttpStatus { get; private set; }
        public int? RetryAfter { get; private set; }
        public string RequestId { get; private set; }

        public PlayGuardThrottledException(int httpStatus, int? retryAfter, string requestId)
            : base("throttled (" + httpStatus + ")", null)
        {
            HttpStatus = httpStatus;
            RetryAfter = retryAfter;
            RequestId = requestId;
        }
    }

    public enum NetworkFailure
    {
        /// <summary>The request failed on the way.</summary>
        Network,
        /// <summary>No complete answer within the timeout.</summary>
        Timeout,
    }

    /// <summary>No answer. Safe to repeat: every write of the API is idempotent by its key.</summary>
    public sealed class PlayGuardNetworkException : PlayGuardException
    {
        public NetworkFailure Kind { get; private set; }

        public PlayGuardNetworkException(NetworkFailure kind, Exception inner)
            : base(kind == NetworkFailure.Timeout ? "no answer in time" : "network error", inner)
        {
            Kind = kind;
        }
    }
}
