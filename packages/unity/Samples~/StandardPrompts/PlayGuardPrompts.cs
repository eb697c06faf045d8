using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using PlayGuard;
using UnityEngine;
using UnityEngine.UI;

namespace PlayGuard.Samples
{
    /// <summary>
    /// The standard player prompts with Unity UI, built in code (no prefab to import): the real-name
    /// form with the guardian's consent step for a child under 14 (2019 Children's PI Regulations
    /// Arts. 9–10: a checkbox naming the privacy policy version), the remaining-time badge counting
    /// down from the server's figure, the 15- and 5-minute warnings, the end-of-play dialog with the
    /// next allowed window, the age-appropriateness label (适龄提示, 2024 Regulations on the Online
    /// Protection of Minors, Art. 47) and the complaint entry point (投诉与反馈, Art. 7). Every text is a
    /// public field the publisher may replace, since the publisher, not this package, answers for what
    /// players read.
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
        public string ConsentTitle = "监护人同意";
        public string ConsentNotice = "根据《儿童个人信息网络保护规定》，不满14周岁的用户须经监护人同意本游戏的隐私政策后，才能游戏或充值。请监护人阅读隐私政策后勾选同意。";
        public string ConsentLabelFormat = "我是该用户的监护人，已阅读并同意《隐私政策》（版本 {0}）";
        public string ConsentSubmitLabel = "同意并继续";
        public string ConsentMissing = "请监护人勾选同意后继续。";
        public string ConsentByGuardianFormat = "不满14周岁的用户须由监护人在家长端确认同意《隐私政策》（版本 {0}）后，才能游戏或充值。";
        public string ComplaintLabel = "投诉与反馈";
        public string ComplaintNotice = "您的投诉或请求将在规定期限内得到答复。";
        public string ComplaintCategoryFormat = "类别：{0}（点按更换）";
        public string ComplaintTextLabel = "内容";
        public string ComplaintSubmitLabel = "提交";
        public string ComplaintReceivedFormat = "已收到您的投诉，我们将于 {0} 前答复。";
        /// <summary>The categories of POST /v1/complaints, with what the player reads.</summary>
        public string[] ComplaintCategories = { "play_time", "payment", "real_name", "personal_information", "account_sharing", "other" };
        public string[] ComplaintCategoryNames = { "游戏时间", "充值消费", "实名认证", "个人信息", "账号出租出借", "其他" };
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
        /// accepts it (name, ID number, and the privacy policy version the guardian consented to, or
        /// null); a refusal's detail is shown in the form and the player may correct it. For a child under
        /// 14 whose guardian's consent the answer says is missing (policy <c>attested</c>), the guardian's
        /// consent step follows (<see cref="ConsentForm"/>) and the same identity is submitted again with
        /// it; under policy <c>guardian</c> the player is told that the guardian consents in the parent's app.
        /// </summary>
        public Task<IdentityStatus> RealNameForm(Func<string, string, string, Task<IdentityStatus>> submit)
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
                    var who = name.text.Trim();
                    var number = id.text.Trim();
                    var answer = await submit(who, number, null);
                    button = null;
                    var consent = answer.GuardianConsent;
                    if (consent != null && consent.AskGuardian) answer = await ConsentForm(consent.PolicyVersion, version => submit(who, number, version));
                    else if (consent != null && consent.Required && !consent.Given) await Dialog(RealNameTitle, string.Format(ConsentByGuardianFormat, consent.PolicyVersion));
                    else CloseDialog();
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

        /// <summary>
        /// The guardian's consent for a child under 14: the notice and a checkbox naming the privacy
        /// policy version; completes with <paramref name="submit"/>'s answer once the guardian ticked it
        /// and it was accepted. Also on its own, after <see cref="ProblemCode.GuardianConsentRequired"/>
        /// named a new version (submit the same identity again with it).
        /// </summary>
        public Task<IdentityStatus> ConsentForm(string policyVersion, Func<string, Task<IdentityStatus>> submit)
        {
            var done = new TaskCompletionSource<IdentityStatus>();
            var box = Box(ConsentTitle, 900, 800);
            Label(box, ConsentNotice, 26, new Vector2(0.5f, 1), new Vector2(0, -200), new Vector2(820, 160), new Color(0.95f, 0.97f, 1, 1), Color.black);
            var ticked = false;
            var label = string.Format(ConsentLabelFormat, policyVersion);
            Button check = null;
            check = Button(box, "☐ " + label, -380, () => { ticked = !ticked; check.GetComponentInChildren<Text>().text = (ticked ? "☑ " : "☐ ") + label; });
            var error = Label(box, "", 26, new Vector2(0.5f, 1), new Vector2(0, -500), new Vector2(820, 70), Color.clear, new Color(0.8f, 0, 0, 1));
            Button(box, ConsentSubmitLabel, -640, async () =>
            {
                if (!ticked)
                {
                    error.text = ConsentMissing;
                    return;
                }
                try
                {
                    var answer = await submit(policyVersion);
                    CloseDialog();
                    done.TrySetResult(answer);
                }
                catch (PlayGuardException e)
                {
                    error.text = e is PlayGuardProblemException p ? p.Detail : e.Message;
                }
            });
            return done.Task;
        }

        /// <summary>The complaint entry point (投诉与反馈): a button in the corner that opens <see cref="ComplaintForm"/>.</summary>
        public void ComplaintEntry(Func<string, string, Task<Dictionary<string, object>>> submit)
        {
            var go = new GameObject("PlayGuardComplaint", typeof(RectTransform), typeof(Image), typeof(Button));
            go.transform.SetParent(canvas.transform, false);
            var rect = (RectTransform)go.transform;
            rect.anchorMin = rect.anchorMax = new Vector2(0, 0);
            rect.anchoredPosition = new Vector2(140, 60);
            rect.sizeDelta = new Vector2(240, 60);
            go.GetComponent<Image>().color = new Color(1, 1, 1, 0.9f);
            Label(rect, ComplaintLabel, 26, new Vector2(0.5f, 0.5f), Vector2.zero, new Vector2(230, 56), Color.clear, Color.black);
            go.GetComponent<Button>().onClick.AddListener(() => { _ = ComplaintForm(submit); });
        }

        /// <summary>
        /// The complaint form (POST /v1/complaints through <paramref name="submit"/>: category, text):
        /// completes with the answer once received (the player is told the due date); a refusal's detail
        /// is shown in the form.
        /// </summary>
        public Task<Dictionary<string, object>> ComplaintForm(Func<string, string, Task<Dictionary<string, object>>> submit)
        {
            var done = new TaskCompletionSource<Dictionary<string, object>>();
            var box = Box(ComplaintLabel, 900, 1000);
            Label(box, ComplaintNotice, 26, new Vector2(0.5f, 1), new Vector2(0, -150), new Vector2(820, 80), Color.clear, Color.black);
            var category = 0;
            Button chosen = null;
            chosen = Button(box, string.Format(ComplaintCategoryFormat, ComplaintCategoryNames[0]), -270, () => { category = (category + 1) % ComplaintCategories.Length; chosen.GetComponentInChildren<Text>().text = string.Format(ComplaintCategoryFormat, ComplaintCategoryNames[category]); });
            var text = Input(box, ComplaintTextLabel, -460, InputField.ContentType.Standard);
            text.lineType = InputField.LineType.MultiLineNewline;
            text.characterLimit = 2000;
            var error = Label(box, "", 26, new Vector2(0.5f, 1), new Vector2(0, -600), new Vector2(820, 70), Color.clear, new Color(0.8f, 0, 0, 1));
            Button(box, ComplaintSubmitLabel, -740, async () =>
            {
                try
                {
                    var received = await submit(ComplaintCategories[category], text.text.Trim());
                    _ = Dialog(ComplaintLabel, string.Format(ComplaintReceivedFormat, WallClock(received["dueAt"] as string)));
                    done.TrySetResult(received);
                }
                catch (PlayGuardException e)
                {
                    error.text = e is PlayGuardProblemException p ? p.Detail : e.Message;
                }
            });
            Button(box, CloseLabel, -870, () => { CloseDialog(); done.TrySetResult(null); });
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
