using System;
using System.Collections.Generic;
using System.Threading.Tasks;

namespace PlayGuard
{
    public enum SessionState
    {
        Playing,
        /// <summary>The server (or a refusal) ended play.</summary>
        Terminated,
        /// <summary>The game ended it (<see cref="PlayGuardSession.EndAsync"/>, or a newer session of the same client replaced it).</summary>
        Ended,
    }

    /// <summary>
    /// A live play session and its heartbeat loop. The server chooses when to hear from the client
    /// next (<see cref="SessionStarted.HeartbeatIntervalSeconds"/>, then each answer's
    /// <see cref="HeartbeatAnswer.NextHeartbeatSeconds"/>: landing on the 15- and 5-minute warnings and
    /// on the end); the client keeps that rhythm, counts <see cref="Seq"/>, and sends a heartbeat whose
    /// answer was lost again with the same seq, backing off 1, 2, 4, 8, 16, then 30 s (or the
    /// <c>Retry-After</c> the gateway names). Events are raised on the scheduler's thread (Unity's main
    /// thread with <c>PlayGuardRunner</c>).
    /// </summary>
    public sealed class PlayGuardSession
    {
        public string SessionId { get; private set; }
        /// <summary>The login's answer: age band, limits, the game's age rating.</summary>
        public SessionStarted Started { get; private set; }
        /// <summary>The last seq sent; the next heartbeat sends seq + 1, or seq again when its answer was lost.</summary>
        public long Seq { get; private set; }
        public SessionState State { get; private set; }
        public int? RemainingSeconds { get; private set; }
        public string EndsAt { get; private set; }
        /// <summary>True between <see cref="Pause"/> and <see cref="ResumeAsync"/>.</summary>
        public bool Paused { get; private set; }

        /// <summary>Every heartbeat answer.</summary>
        public event Action<HeartbeatAnswer> Heartbeat;
        /// <summary>The server's warning before the end of play (15 and 5 minutes before it under the default rules).</summary>
        public event Action<HeartbeatAnswer> Warn;
        /// <summary>Play is over: stop the game and tell the player (the loop has stopped).</summary>
        public event Action<TerminateEvent> Terminated;
        /// <summary>A heartbeat got no usable answer and will be sent again with the same seq.</summary>
        public event Action<HeartbeatError> Error;

        /// <summary>Backoff for a heartbeat that got no answer: 1, 2, 4, 8, 16, then every 30 s.</summary>
        public static double RetryDelaySeconds(int failures)
        {
            return Math.Min(30, Math.Pow(2, Math.Max(0, failures - 1)));
        }

        static readonly string[] ClockReasons = { "outside_allowed_hours", "play_time_exhausted" };

        readonly Caller caller;
        readonly object gate = new object();
        IDisposable timer;
        Task inFlight; // the heartbeat on its way, joined by BeatAsync
        bool awaiting;
        int failures;

        internal PlayGuardSession(Caller caller, SessionStarted started)
        {
            this.caller = caller;
            Started = started;
            SessionId = started.SessionId;
            RemainingSeconds = started.RemainingSeconds;
            EndsAt = started.EndsAt;
            State = SessionState.Playing;
            Schedule(started.HeartbeatIntervalSeconds);
        }

        /// <summary>Heartbeat now instead of at the scheduled time. A heartbeat already on its way is joined, never doubled.</summary>
        public Task BeatAsync()
        {
            lock (gate)
            {
                if (State != SessionState.Playing) return Task.FromResult(true);
                // A heartbeat that completed at once (an answer already there) is done, not in flight.
                if (inFlight == null || inFlight.IsCompleted) inFlight = Send();
                return inFlight;
            }
        }

        /// <summary>
        /// The game went to the background (<c>OnApplicationPause(true)</c>, focus lost): no heartbeat
        /// until <see cref="ResumeAsync"/>. If the pause outlasts the silence the server allows, the
        /// session ends there and the next heartbeat hears so.
        /// </summary>
        public void Pause()
        {
            lock (gate)
            {
                if (State != SessionState.Playing) return;
                Paused = true;
                CancelTimer();
            }
        }

        /// <summary>Back in the foreground: heartbeat at once, then keep the server's rhythm again.</summary>
        public Task ResumeAsync()
        {
            lock (gate) Paused = false;
            return BeatAsync();
        }

        /// <summary>Log out: the loop stops and the server ends the session (idempotent; DELETE /v1/sessions/{id}).</summary>
        public async Task EndAsync()
        {
            bool wasPlaying;
            lock (gate) wasPlaying = State == SessionState.Playing;
            Stop(SessionState.Ended);
            if (wasPlaying) await caller.CallAsync("DELETE", "/v1/sessions/" + Uri.EscapeDataString(SessionId));
        }

        /// <summary>Stops the loop without telling the server (a newer session of this client replaced this one there).</summary>
        public void Stop(SessionState state = SessionState.Ended)
        {
            lock (gate)
            {
                if (State != SessionState.Playing) return;
                State = state == SessionState.Playing ? SessionState.Ended : state;
                CancelTimer();
            }
        }

        void CancelTimer()
        {
            if (timer != null) timer.Dispose();
            timer = null;
        }

        void Schedule(double seconds)
        {
            lock (gate)
            {
                CancelTimer();
                if (State == SessionState.Playing && !Paused) timer = caller.Scheduler.Schedule(TimeSpan.FromSeconds(seconds), () => Observe(BeatAsync()));
            }
        }

        async Task Send()
        {
            long seq;
            lock (gate)
            {
                CancelTimer();
                // A heartbeat whose answer was lost is sent again with the same seq: the server answers a
                // repeated seq as it did the first time and counts its time once.
                if (!awaiting) Seq += 1;
                awaiting = true;
                seq = Seq;
            }
            HeartbeatAnswer answer;
            try
            {
                var body = new Dictionary<string, object> { { "seq", seq } };
                answer = HeartbeatAnswer.From(await caller.SendAsync("POST", "/v1/sessions/" + Uri.EscapeDataString(SessionId) + "/heartbeat", body, true), seq);
            }
            catch (PlayGuardException error)
            {
                if (State == SessionState.Playing) await Failed(error, seq);
                return;
            }
            lock (gate)
            {
                if (State != SessionState.Playing) return;
                awaiting = false;
                failures = 0;
                RemainingSeconds = answer.RemainingSeconds;
                EndsAt = answer.EndsAt;
            }
            Raise(Heartbeat, answer);
            if (answer.Action == "terminate")
            {
                await End(answer.Reason ?? "session_expired", null);
                return;
            }
            if (answer.Action == "warn") Raise(Warn, answer);
            Schedule(answer.NextHeartbeatSeconds);
        }

        async Task Failed(PlayGuardException error, long seq)
        {
            var problem = error as PlayGuardProblemException;
            if (problem != null)
            {
                if (problem.Code == ProblemCode.StaleHeartbeat && problem.LastSeq.HasValue)
                {
                    // The server has counted a later seq than ours: continue after it.
                    lock (gate)
                    {
                        Seq = problem.LastSeq.Value;
                        awaiting = false;
                    }
                }
                else if (problem.HttpStatus != 429 && problem.HttpStatus < 500)
                {
                    await End(problem.CodeName, problem);
                    return;
                }
            }
            int? after = problem != null ? problem.RetryAfterSeconds : (error is PlayGuardThrottledException ? ((PlayGuardThrottledException)error).RetryAfter : null);
            double wait;
            lock (gate)
            {
                failures += 1;
                wait = after.HasValue ? Math.Max(1, after.Value) : RetryDelaySeconds(failures);
            }
            Raise(Error, new HeartbeatError { Error = error, Seq = seq, RetryInSeconds = wait });
            Schedule(wait);
        }

        async Task End(string reason, PlayGuardProblemException problem)
        {
            Stop(SessionState.Terminated);
            var e = new TerminateEvent { Reason = reason, Problem = problem };
            if (Array.IndexOf(ClockReasons, reason) >= 0)
            {
                try
                {
                    var limits = Limits.From(await caller.CallAsync("GET", "/v1/limits"));
                    e.NextWindowStart = limits.NextWindowStart;
                    e.NextWindowEnd = limits.NextWindowEnd;
                }
                catch (PlayGuardException)
                {
                    // The end of play stands without the next window.
                }
            }
            Raise(Terminated, e);
        }

        // A timer's heartbeat has no caller to hand a failure to (a game's event handler that throws).
        static void Observe(Task task)
        {
            task.ContinueWith(t => t.Exception, TaskContinuationOptions.OnlyOnFaulted);
        }

        static void Raise<T>(Action<T> handler, T value)
        {
            if (handler != null) handler(value);
        }
    }
}
