using System;
using System.Threading.Tasks;
using PlayGuard;
using UnityEngine;
using UnityEngine.UI;

namespace PlayGuard.Samples
{
    /// <summary>
    /// The standard player prompts with Unity UI, built in code (no prefab to import): the real-name
    /// form, the remaining-time badge counting down from the server's figure, the 15- and 5-minute
    /// warnings, the end-of-play dialog with the next allowed window, and the age-appropriateness label
    /// (适龄提示, 2024 Regulations on the Online Protection of Minors, Art. 47). Every text is a public
    /// field the publisher may replace, since the publisher, not this package, answers for what players read.
    /// </summary>
    public sealed class PlayGuardPrompts : MonoBehaviour
    {
        [Header("Texts")]
        public string RealNameTitle = "实名认证";
        public string RealNameNotice = "根据国家规定，网络游戏用户须使用真实有效的身份信息进行实名认证。您的信息仅用于国家网络游戏防沉迷实名认证系统核验。";
        public string NameLabel = "真实姓名";
        public string IdNumberLabel = "身份证号码";
        public string SubmitLabel = "提交认证";
        public string SubmittingLabel = "认证中…";
        public string PendingNotice = "实名信息已提交，正在等待国家实名认证系统核验结果。";
        public string BadgeFormat = "剩余游戏时间 {0:00}:{1:00}";
        public string WarnFormat = "您本次游戏时间还剩 {0} 分钟，请合理安排游戏时间，注意休息。";
        public string EndTitle = "游戏时间已结束";
        public string RefusedTitle = "当前时段不可游戏";
        public string EndOutsideHours = "根据国家防沉迷规定，本时段游戏时间已结束，请注意休息。";
        public string EndExhausted = "根据国家防沉迷规定，您今日的游戏时长已用完，请注意休息。";
        public string EndElsewhere = "您的账号已在其他设备登录，本设备已退出游戏。";
        public string EndOther = "游戏已结束。";
        public string NextWindowFormat = "下次可游戏时间：{0}";
        public string CloseLabel = "我知道了";
        public string RatingTitle = "适龄提示";
        public string BelowRatingFormat = "您未满 {0} 周岁，本游戏不适合您的年龄段，请在监护人指导下选择适合的游戏。";
        [Tooltip("How long a warning stays on screen, in seconds")]
        public float WarnSeconds = 15;

        Canvas canvas;
        Font font;
        Text badge;
        GameObject toast;
        GameObject dialog;
        float badgeLeft = -1;
        float toastUntil;

        void Awake()
        {
            // Unity 2022.2 renamed the built-in font; Chinese glyphs come from the platform's fallback fonts.
#if UNITY_2022_2_OR_NEWER
            font = Resources.GetBuiltinResource<Font>("LegacyRuntime.ttf");
#else
            font = Resources.GetBuiltinResource<Font>("Arial.ttf");
#endif
            var host = new GameObject("PlayGuardPrompts");
            host.transform.SetParent(transform, false);
            canvas = host.AddComponent<Canvas>();
            canvas.renderMode = RenderMode.ScreenSpaceOverlay;
            canvas.sortingOrder = 1000;
            var scaler = host.AddComponent<CanvasScaler>();
            scaler.uiScaleMode = CanvasScaler.ScaleMode.ScaleWithScreenSize;
            scaler.referenceResolution = new Vector2(1080, 1920);
            host.AddComponent<GraphicRaycaster>();
        }

        void Update()
        {
            // Counted down here from the server's figure, never from the device clock, which may be wrong.
            if (badge != null && badgeLeft >= 0)
            {
                badgeLeft = Mathf.Max(0, badgeLeft - Time.unscaledDeltaTime);
                var s = Mathf.CeilToInt(badgeLeft);
                badge.text = string.Format(BadgeFormat, s / 60, s % 60);
            }
            if (toast != null && Time.unscaledTime >= toastUntil)
            {
                Destroy(toast);
                toast = null;
            }
        }

        /// <summary>Wires a session to the prompts: its age label, badge, warnings and end of play.</summary>
        public void Attach(PlayGuardSession session)
        {
            AgeRating(session.Started.AgeRating, session.Started.BelowRating);
            Badge(session.RemainingSeconds);
            session.Heartbeat += a => { if (a.Action != "terminate") Badge(a.RemainingSeconds); };
            session.Warn += a => Warn(a.RemainingSeconds ?? 0);
            session.Terminated += e => { _ = EndOfPlay(e); };
        }

        /// <summary>The remaining-time badge; null hides it (no limit applies).</summary>
        public void Badge(int? remainingSeconds)
        {
            if (remainingSeconds == null)
            {
                if (badge != null) Destroy(badge.gameObject);
                badge = null;
                badgeLeft = -1;
                return;
            }
            if (badge == null) badge = Label(canvas.transform, "", 32, new Vector2(1, 1), new Vector2(-200, -60), new Vector2(360, 60), new Color(0, 0, 0, 0.7f), Color.white);
            badgeLeft = remainingSeconds.Value;
        }

        /// <summary>The warning before the end of play, in whole minutes (rounded up); a negative figure shows the pending notice.</summary>
        public void Warn(int remainingSeconds)
        {
            if (toast != null) Destroy(toast);
            var text = remainingSeconds < 0 ? PendingNotice : string.Format(WarnFormat, (remainingSeconds + 59) / 60);
            toast = Label(canvas.transform, text, 30, new Vector2(0.5f, 1), new Vector2(0, -160), new Vector2(900, 120), new Color(1, 0.97f, 0.88f, 1), Color.black).gameObject;
            toastUntil = Time.unscaledTime + WarnSeconds;
        }

        /// <summary>The end-of-play dialog (also for a refused login); completes when the player closes it.</summary>
        public Task EndOfPlay(TerminateEvent e)
        {
            string body;
            switch (e.Reason)
            {
                case "outside_allowed_hours": body = EndOutsideHours; break;
                case "play_time_exhausted": body = EndExhausted; break;
                case "signed_in_elsewhere": body = EndElsewhere; break;
                default: body = e.Problem != null ? e.Problem.Detail : EndOther; break;
            }
            Badge(null);
            var next = e.NextWindowStart != null ? string.Format(NextWindowFormat, WallClock(e.NextWindowStart) + (e.NextWindowEnd != null ? "–" + WallClock(e.NextWindowEnd).Substring(WallClock(e.NextWindowEnd).Length - 5) : " 起")) : "";
            return Dialog(e.Reason == "play_time_restricted" ? RefusedTitle : EndTitle, body + (next.Length > 0 ? "\n\n" + next : ""));
        }

        /// <summary>The age-appropriateness label; below it the player is told once, in words.</summary>
        public void AgeRating(int? rating, bool below)
        {
            if (rating == null) return;
            Label(canvas.transform, rating + "+ " + RatingTitle, 28, new Vector2(0, 1), new Vector2(140, -60), new Vector2(240, 60), below ? new Color(0.85f, 0.48f, 0, 1) : new Color(0.12f, 0.56f, 0.23f, 1), Color.white);
            if (below) _ = Dialog(RatingTitle, string.Format(BelowRatingFormat, rating));
        }

        /// <summary>
        /// The real-name form: completes with the submission's answer once <paramref name="submit"/>
        /// accepts it; a refusal's detail is shown in the form and the player may correct it.
        /// </summary>
        public Task<IdentityStatus> RealNameForm(Func<string, string, Task<IdentityStatus>> submit)
        {
            var done = new TaskCompletionSource<IdentityStatus>();
            var box = Box(RealNameTitle, 900, 900);
            Label(box, RealNameNotice, 26, new Vector2(0.5f, 1), new Vector2(0, -190), new Vector2(820, 140), Color.clear, Color.black);
            var name = Input(box, NameLabel, -340, InputField.ContentType.Standard);
            var id = Input(box, IdNumberLabel, -480, InputField.ContentType.Alphanumeric);
            var error = Label(box, "", 26, new Vector2(0.5f, 1), new Vector2(0, -590), new Vector2(820, 80), Color.clear, new Color(0.8f, 0, 0, 1));
            Button button = null;
            button = Button(box, SubmitLabel, -720, async () =>
            {
                button.interactable = false;
                button.GetComponentInChildren<Text>().text = SubmittingLabel;
                error.text = "";
                try
                {
                    var answer = await submit(name.text.Trim(), id.text.Trim());
                    CloseDialog();
                    if (answer.Status == "pending") Warn(-1);
                    done.TrySetResult(answer);
                }
                catch (PlayGuardProblemException e)
                {
                    error.text = e.Detail;
                }
                catch (PlayGuardException e)
                {
                    error.text = e.Message;
                }
                finally
                {
                    if (button != null)
                    {
                        button.interactable = true;
                        button.GetComponentInChildren<Text>().text = SubmitLabel;
                    }
                }
            });
            return done.Task;
        }

        /// <summary><c>2026-12-05T20:00:00+08:00</c> → <c>12月5日 20:00</c>: the wall clock as written (the API writes Beijing time).</summary>
        public static string WallClock(string iso)
        {
            if (iso == null || iso.Length < 16) return iso;
            return int.Parse(iso.Substring(5, 2)) + "月" + int.Parse(iso.Substring(8, 2)) + "日 " + iso.Substring(11, 5);
        }

        // ---- Building blocks

        Task Dialog(string title, string body)
        {
            var closed = new TaskCompletionSource<bool>();
            var box = Box(title, 900, 700);
            Label(box, body, 30, new Vector2(0.5f, 1), new Vector2(0, -300), new Vector2(820, 300), Color.clear, Color.black);
            Button(box, CloseLabel, -560, () => { CloseDialog(); closed.TrySetResult(true); });
            return closed.Task;
        }

        void CloseDialog()
        {
            if (dialog != null) Destroy(dialog);
            dialog = null;
        }

        RectTransform Box(string title, float width, float height)
        {
            CloseDialog();
            dialog = new GameObject("PlayGuardDialog", typeof(RectTransform), typeof(Image));
            dialog.transform.SetParent(canvas.transform, false);
            var cover = (RectTransform)dialog.transform;
            cover.anchorMin = Vector2.zero;
            cover.anchorMax = Vector2.one;
            cover.sizeDelta = Vector2.zero;
            dialog.GetComponent<Image>().color = new Color(0, 0, 0, 0.55f);
            var box = new GameObject("Box", typeof(RectTransform), typeof(Image));
            box.transform.SetParent(cover, false);
            var rect = (RectTransform)box.transform;
            rect.sizeDelta = new Vector2(width, height);
            box.GetComponent<Image>().color = Color.white;
            Label(rect, title, 40, new Vector2(0.5f, 1), new Vector2(0, -60), new Vector2(width - 80, 70), Color.clear, Color.black);
            return rect;
        }

        Text Label(Transform parent, string text, int size, Vector2 anchor, Vector2 position, Vector2 boxSize, Color background, Color color)
        {
            var go = new GameObject("Label", typeof(RectTransform), typeof(Image));
            go.transform.SetParent(parent, false);
            var rect = (RectTransform)go.transform;
            rect.anchorMin = rect.anchorMax = anchor;
            rect.anchoredPosition = position;
            rect.sizeDelta = boxSize;
            go.GetComponent<Image>().color = background;
            var textGo = new GameObject("Text", typeof(RectTransform), typeof(Text));
            textGo.transform.SetParent(rect, false);
            var textRect = (RectTransform)textGo.transform;
            textRect.anchorMin = Vector2.zero;
            textRect.anchorMax = Vector2.one;
            textRect.sizeDelta = new Vector2(-20, -10);
            var label = textGo.GetComponent<Text>();
            label.font = font;
            label.fontSize = size;
            label.color = color;
            label.alignment = TextAnchor.MiddleCenter;
            label.horizontalOverflow = HorizontalWrapMode.Wrap;
            label.text = text;
            return label;
        }

        InputField Input(RectTransform box, string label, float y, InputField.ContentType type)
        {
            Label(box, label, 28, new Vector2(0.5f, 1), new Vector2(0, y + 60), new Vector2(820, 50), Color.clear, Color.black).alignment = TextAnchor.MiddleLeft;
            var go = new GameObject("Input", typeof(RectTransform), typeof(Image), typeof(InputField));
            go.transform.SetParent(box, false);
            var rect = (RectTransform)go.transform;
            rect.anchorMin = rect.anchorMax = new Vector2(0.5f, 1);
            rect.anchoredPosition = new Vector2(0, y);
            rect.sizeDelta = new Vector2(820, 80);
            go.GetComponent<Image>().color = new Color(0.95f, 0.95f, 0.95f, 1);
            var text = Label(rect, "", 30, new Vector2(0.5f, 0.5f), Vector2.zero, new Vector2(800, 70), Color.clear, Color.black);
            text.alignment = TextAnchor.MiddleLeft;
            var input = go.GetComponent<InputField>();
            input.textComponent = text;
            input.contentType = type;
            return input;
        }

        Button Button(RectTransform box, string label, float y, Action onClick)
        {
            var go = new GameObject("Button", typeof(RectTransform), typeof(Image), typeof(Button));
            go.transform.SetParent(box, false);
            var rect = (RectTransform)go.transform;
            rect.anchorMin = rect.anchorMax = new Vector2(0.5f, 1);
            rect.anchoredPosition = new Vector2(0, y);
            rect.sizeDelta = new Vector2(820, 100);
            go.GetComponent<Image>().color = new Color(0.12f, 0.45f, 0.9f, 1);
            Label(rect, label, 32, new Vector2(0.5f, 0.5f), Vector2.zero, new Vector2(800, 90), Color.clear, Color.white);
            var button = go.GetComponent<Button>();
            button.onClick.AddListener(() => onClick());
            return button;
        }
    }
}
