#if UNITY_5_3_OR_NEWER
using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using UnityEngine;

namespace PlayGuard
{
    /// <summary>
    /// PlayGuard's place in a Unity scene: a scheduler driven by <c>Update</c> on the main thread
    /// (real time, unaffected by <c>Time.timeScale</c>; works on WebGL, which has no threads), and the
    /// pause and resume of the sessions it tracks when the application is paused (a phone's home
    /// button, another app in front): no heartbeat while away, one at once on return; and a
    /// heartbeat at once when the application regains focus (a WebGL tab coming back).
    /// <code>
    /// var pg = new PlayGuardClient(PlayGuardRunner.Options("https://api.example.cn", () => account.TokenAsync()));
    /// var session = PlayGuardRunner.Instance.Track(await pg.StartSessionAsync(deviceId));
    /// </code>
    /// </summary>
    public sealed class PlayGuardRunner : MonoBehaviour, IPlayGuardScheduler
    {
        static PlayGuardRunner instance;

        /// <summary>The runner, created on first use on a GameObject that survives scene loads.</summary>
        public static PlayGuardRunner Instance
        {
            get
            {
                if (instance == null)
                {
                    var host = new GameObject("PlayGuard");
                    DontDestroyOnLoad(host);
                    instance = host.AddComponent<PlayGuardRunner>();
                }
                return instance;
            }
        }

        /// <summary>Options for a client in Unity: <see cref="UnityWebRequestTransport"/> and this runner as the scheduler.</summary>
        public static PlayGuardOptions Options(string baseUrl, Func<Task<string>> token)
        {
            return new PlayGuardOptions { BaseUrl = baseUrl, TokenProvider = token, Transport = new UnityWebRequestTransport(), Scheduler = Instance };
        }

        sealed class Entry : IDisposable
        {
            public float Due;
            public Action Action;
            public bool Cancelled;
            public void Dispose() { Cancelled = true; }
        }

        readonly List<Entry> entries = new List<Entry>();
        readonly List<Entry> due = new List<Entry>();
        readonly List<PlayGuardSession> sessions = new List<PlayGuardSession>();
        float now;

        void Awake()
        {
            now = Time.realtimeSinceStartup;
        }

        public IDisposable Schedule(TimeSpan delay, Action action)
        {
            var entry = new Entry { Due = now + (float)delay.TotalSeconds, Action = action };
            lock (entries) entries.Add(entry);
            return entry;
        }

        void Update()
        {
            now = Time.realtimeSinceStartup;
            lock (entries)
            {
                for (var i = entries.Count - 1; i >= 0; i--)
                {
                    if (entries[i].Cancelled) entries.RemoveAt(i);
                    else if (entries[i].Due <= now)
                    {
                        due.Add(entries[i]);
                        entries.RemoveAt(i);
                    }
                }
            }
            due.Sort((a, b) => a.Due.CompareTo(b.Due));
            foreach (var entry in due)
            {
                try { entry.Action(); }
                catch (Exception e) { Debug.LogException(e); }
            }
            due.Clear();
        }

        /// <summary>Pauses this session while the application is paused, and resumes it on return. Returns the session.</summary>
        public PlayGuardSession Track(PlayGuardSession session)
        {
            sessions.RemoveAll(s => s.State != SessionState.Playing);
            sessions.Add(session);
            return session;
        }

        /// <summary>
        /// Focus regained (a WebGL tab or a desktop window coming back, where <c>OnApplicationPause</c>
        /// may not be called): heartbeat at once, as a browser tab that becomes visible does. Losing
        /// focus pauses nothing: the game may still be on screen.
        /// </summary>
        void OnApplicationFocus(bool focused)
        {
            if (!focused) return;
            now = Time.realtimeSinceStartup;
            foreach (var session in sessions.ToArray())
                if (session.State == SessionState.Playing)
                    (session.Paused ? session.ResumeAsync() : session.BeatAsync()).ContinueWith(t => Debug.LogException(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
        }

        void OnApplicationPause(bool paused)
        {
            now = Time.realtimeSinceStartup;
            foreach (var session in sessions.ToArray())
            {
                if (session.State != SessionState.Playing) continue;
                if (paused) session.Pause();
                else session.ResumeAsync().ContinueWith(t => Debug.LogException(t.Exception), TaskContinuationOptions.OnlyOnFaulted);
            }
        }
    }
}
#endif
