using System.Collections.Generic;

namespace PlayGuard
{
    // The answers of the gateway's operations (docs/api.md), read from their JSON. Each keeps the
    // document it was read from in `Raw`, so members added to the API later are not lost.

    /// <summary>POST /v1/identity and GET /v1/identity: <c>none</c>, <c>pending</c>, <c>verified</c> or <c>rejected</c>.</summary>
    public sealed class IdentityStatus
    {
        public string Status;
        /// <summary>0 (under 8), 8 (8–15), 16 (16–17) or 18 (adult), for today; null without an identity.</summary>
        public int? AgeBand;
        public bool? Minor;
        /// <summary>Where the under-14 guardian consent stands (null without an identity).</summary>
        public GuardianConsentStatus GuardianConsent;
        public Dictionary<string, object> Raw;

        internal static IdentityStatus From(object json)
        {
            var o = json as Dictionary<string, object>;
            return new IdentityStatus { Status = JsonRead.Str(o, "status"), AgeBand = JsonRead.Int(o, "ageBand"), Minor = JsonRead.Bool(o, "minor"), GuardianConsent = GuardianConsentStatus.From(JsonRead.Get(o, "guardianConsent")), Raw = o };
        }
    }

    /// <summary>
    /// The under-14 guardian consent (2019 Children's PI Regulations Arts. 9–10): whether it is needed
    /// today, whether one to the current privacy policy version is recorded, that version, and who
    /// records it (<c>attested</c>: the game, with the real-name submission; <c>guardian</c>: a
    /// confirmed guardian in the parent's app). Login and payments need it while it is required.
    /// </summary>
    public sealed class GuardianConsentStatus
    {
        public bool Required;
        public bool Given;
        public string PolicyVersion;
        public string Consent;

        internal static GuardianConsentStatus From(object json)
        {
            var o = json as Dictionary<string, object>;
            if (o == null) return null;
            return new GuardianConsentStatus { Required = JsonRead.Bool(o, "required") == true, Given = JsonRead.Bool(o, "given") == true, PolicyVersion = JsonRead.Str(o, "policyVersion"), Consent = JsonRead.Str(o, "consent") };
        }

        /// <summary>The game should show the guardian the consent step (a checkbox naming <see cref="PolicyVersion"/>) and submit again with it.</summary>
        public bool AskGuardian { get { return Required && !Given && Consent == "attested"; } }
    }

    /// <summary>One of the publisher's games, with its age-appropriateness label (8, 12 or 16; null when none).</summary>
    public sealed class Game
    {
        public string GameId;
        public string Name;
        public int? AgeRating;

        internal static List<Game> ListFrom(object json)
        {
            var result = new List<Game>();
            foreach (var item in JsonRead.List(json as Dictionary<string, object>, "games") ?? new List<object>())
            {
                var o = item as Dictionary<string, object>;
                result.Add(new Game { GameId = JsonRead.Str(o, "gameId"), Name = JsonRead.Str(o, "name"), AgeRating = JsonRead.Int(o, "ageRating") });
            }
            return result;
        }
    }

    /// <summary>POST /v1/sessions 201: the login's answer.</summary>
    public sealed class SessionStarted
    {
        public string SessionId;
        public string GameId;
        public int AgeBand;
        public bool Minor;
        /// <summary>Seconds of play left; null when no limit applies.</summary>
        public int? RemainingSeconds;
        /// <summary>When play ends (Beijing offset); null when no limit applies.</summary>
        public string EndsAt;
        /// <summary>When the first heartbeat is due (the server chooses).</summary>
        public int HeartbeatIntervalSeconds;
        /// <summary>The game's age-appropriateness label (2024 Regulations Art. 47): 8, 12, 16 or null.</summary>
        public int? AgeRating;
        /// <summary>The player's age is below the label.</summary>
        public bool BelowRating;
        public Dictionary<string, object> Raw;

        internal static SessionStarted From(object json)
        {
            var o = json as Dictionary<string, object>;
            return new SessionStarted
            {
                SessionId = JsonRead.Str(o, "sessionId"),
                GameId = JsonRead.Str(o, "gameId"),
                AgeBand = JsonRead.Int(o, "ageBand") ?? 0,
                Minor = JsonRead.Bool(o, "minor") ?? false,
                RemainingSeconds = JsonRead.Int(o, "remainingSeconds"),
                EndsAt = JsonRead.Str(o, "endsAt"),
                HeartbeatIntervalSeconds = JsonRead.Int(o, "heartbeatIntervalSeconds") ?? 60,
                AgeRating = JsonRead.Int(o, "ageRating"),
                BelowRating = JsonRead.Bool(o, "belowRating") ?? false,
                Raw = o,
            };
        }
    }

    /// <summary>POST /v1/sessions/{id}/heartbeat 200.</summary>
    public sealed class HeartbeatAnswer
    {
        /// <summary><c>continue</c>, <c>warn</c> or <c>terminate</c>.</summary>
        public string Action;
        public int? RemainingSeconds;
        public string EndsAt;
        /// <summary>When the server wants to hear from the client next.</summary>
        public int NextHeartbeatSeconds;
        /// <summary>Why play ends (<c>terminate</c>): <c>outside_allowed_hours</c>, <c>play_time_exhausted</c>, <c>signed_in_elsewhere</c>, …</summary>
        public string Reason;
        /// <summary>The <c>seq</c> this answers.</summary>
        public long Seq;
        public Dictionary<string, object> Raw;

        internal static HeartbeatAnswer From(object json, long seq)
        {
            var o = json as Dictionary<string, object>;
            return new HeartbeatAnswer
            {
                Action = JsonRead.Str(o, "action"),
                RemainingSeconds = JsonRead.Int(o, "remainingSeconds"),
                EndsAt = JsonRead.Str(o, "endsAt"),
                NextHeartbeatSeconds = JsonRead.Int(o, "nextHeartbeatSeconds") ?? 60,
                Reason = JsonRead.Str(o, "reason"),
                Seq = seq,
                Raw = o,
            };
        }
    }

    /// <summary>GET /v1/limits 200: play time and spending limits now.</summary>
    public sealed class Limits
    {
        public int? AgeBand;
        public bool Minor;
        public int? AgeRating;
        public bool BelowRating;
        public bool AllowedNow;
        public int? RemainingSeconds;
        public string NextWindowStart;
        public string NextWindowEnd;
        /// <summary>Spending limits in fen; null where no limit applies.</summary>
        public long? SingleMax;
        public long? DailyRemaining;
        public long? MonthlyRemaining;
        public Dictionary<string, object> Raw;

        internal static Limits From(object json)
        {
            var o = json as Dictionary<string, object>;
            var play = JsonRead.Obj(o, "playTime");
            var spend = JsonRead.Obj(o, "spending");
            return new Limits
            {
                AgeBand = JsonRead.Int(o, "ageBand"),
                Minor = JsonRead.Bool(o, "minor") ?? false,
                AgeRating = JsonRead.Int(o, "ageRating"),
                BelowRating = JsonRead.Bool(o, "belowRating") ?? false,
                AllowedNow = JsonRead.Bool(play, "allowedNow") ?? false,
                RemainingSeconds = JsonRead.Int(play, "remainingSeconds"),
                NextWindowStart = JsonRead.Str(play, "nextWindowStart"),
                NextWindowEnd = JsonRead.Str(play, "nextWindowEnd"),
                SingleMax = JsonRead.Long(spend, "singleMax"),
                DailyRemaining = JsonRead.Long(spend, "dailyRemaining"),
                MonthlyRemaining = JsonRead.Long(spend, "monthlyRemaining"),
                Raw = o,
            };
        }
    }

    /// <summary>A payment's state: POST /v1/payments (<c>reserved</c>, with <see cref="ExpiresAt"/>), commit (<c>committed</c>), cancel (<c>cancelled</c>).</summary>
    public sealed class PaymentState
    {
        public string OrderId;
        public string Status;
        public string ExpiresAt;
        public Dictionary<string, object> Raw;

        internal static PaymentState From(object json)
        {
            var o = json as Dictionary<string, object>;
            return new PaymentState { OrderId = JsonRead.Str(o, "orderId"), Status = JsonRead.Str(o, "status"), ExpiresAt = JsonRead.Str(o, "expiresAt"), Raw = o };
        }
    }

    /// <summary>POST /v1/challenges/{id}/result: <c>passed</c> or <c>failed</c>.</summary>
    public sealed class ChallengeState
    {
        public string ChallengeId;
        public string Status;

        internal static ChallengeState From(object json)
        {
            var o = json as Dictionary<string, object>;
            return new ChallengeState { ChallengeId = JsonRead.Str(o, "challengeId"), Status = JsonRead.Str(o, "status") };
        }
    }

    /// <summary>Why and when play ended, with the next window when the clock ended it.</summary>
    public sealed class TerminateEvent
    {
        /// <summary>The server's reason, or the code of the problem that ended the session (<c>session_not_found</c>, <c>unauthorized</c>, …).</summary>
        public string Reason;
        public string NextWindowStart;
        public string NextWindowEnd;
        /// <summary>The problem that ended the session, when one did.</summary>
        public PlayGuardProblemException Problem;
    }

    /// <summary>A heartbeat got no usable answer; it is sent again with the same seq in <see cref="RetryInSeconds"/>.</summary>
    public sealed class HeartbeatError
    {
        public PlayGuardException Error;
        public long Seq;
        public double RetryInSeconds;
    }
}
