// Stand-ins for the parts of Unity's API that packages/unity's Unity-only files use (Runtime/Unity/,
// Samples~), with Unity's names and signatures (UnityEngine, UnityEngine.Networking, UnityEngine.UI
// of Unity 2021.3), so test/unit/unitySurface.test.ts can compile those files with Mono's mcs and
// UNITY_5_3_OR_NEWER defined. Bodies do nothing: this proves the files are C# 7.2 that fits this
// reading of Unity's API, not that Unity runs them (README: what a Unity project still verifies).
using System;
using System.Collections.Generic;

namespace UnityEngine
{
    public class Object
    {
        public static void Destroy(Object o) { }
        public static void DontDestroyOnLoad(Object o) { }
        public static implicit operator bool(Object o) { return o != null; }
    }
    public class Component : Object
    {
        public Transform transform { get { return null; } }
        public GameObject gameObject { get { return null; } }
        public T GetComponent<T>() { return default(T); }
        public T GetComponentInChildren<T>() { return default(T); }
    }
    public class Behaviour : Component { public bool enabled { get; set; } }
    public class MonoBehaviour : Behaviour { }
    public class Transform : Component { public void SetParent(Transform parent, bool worldPositionStays) { } }
    public sealed class RectTransform : Transform
    {
        public Vector2 anchorMin { get; set; }
        public Vector2 anchorMax { get; set; }
        public Vector2 anchoredPosition { get; set; }
        public Vector2 sizeDelta { get; set; }
    }
    public sealed class GameObject : Object
    {
        public GameObject(string name) { }
        public GameObject(string name, params Type[] components) { }
        public Transform transform { get { return null; } }
        public T AddComponent<T>() where T : Component { return null; }
        public T GetComponent<T>() { return default(T); }
    }
    public struct Vector2
    {
        public float x, y;
        public Vector2(float x, float y) { this.x = x; this.y = y; }
        public static Vector2 zero { get { return new Vector2(0, 0); } }
        public static Vector2 one { get { return new Vector2(1, 1); } }
    }
    public struct Color
    {
        public float r, g, b, a;
        public Color(float r, float g, float b, float a) { this.r = r; this.g = g; this.b = b; this.a = a; }
        public static Color white { get { return new Color(1, 1, 1, 1); } }
        public static Color black { get { return new Color(0, 0, 0, 1); } }
        public static Color clear { get { return new Color(0, 0, 0, 0); } }
    }
    public sealed class Font : Object { }
    public static class Resources { public static T GetBuiltinResource<T>(string path) where T : Object { return null; } }
    public static class Time
    {
        public static float realtimeSinceStartup { get { return 0; } }
        public static float unscaledDeltaTime { get { return 0; } }
        public static float unscaledTime { get { return 0; } }
        public static float timeScale { get; set; }
    }
    public static class Mathf
    {
        public static float Max(float a, float b) { return Math.Max(a, b); }
        public static int CeilToInt(float f) { return (int)Math.Ceiling(f); }
    }
    public static class Debug { public static void LogException(Exception e) { } }
    public static class SystemInfo { public static string deviceUniqueIdentifier { get { return ""; } } }
    public enum RenderMode { ScreenSpaceOverlay, ScreenSpaceCamera, WorldSpace }
    public enum TextAnchor { UpperLeft, UpperCenter, UpperRight, MiddleLeft, MiddleCenter, MiddleRight, LowerLeft, LowerCenter, LowerRight }
    public enum HorizontalWrapMode { Wrap, Overflow }
    public sealed class Canvas : Behaviour
    {
        public RenderMode renderMode { get; set; }
        public int sortingOrder { get; set; }
    }
    public class PropertyAttribute : Attribute { }
    public sealed class HeaderAttribute : PropertyAttribute { public HeaderAttribute(string header) { } }
    public sealed class TooltipAttribute : PropertyAttribute { public TooltipAttribute(string tooltip) { } }
    public class AsyncOperation { public event Action<AsyncOperation> completed { add { } remove { } } }
}

namespace UnityEngine.Events
{
    public delegate void UnityAction();
    public class UnityEvent { public void AddListener(UnityAction call) { } }
}

namespace UnityEngine.Networking
{
    public class DownloadHandler : IDisposable { public string text { get { return null; } } public void Dispose() { } }
    public sealed class DownloadHandlerBuffer : DownloadHandler { }
    public class UploadHandler : IDisposable { public string contentType { get; set; } public void Dispose() { } }
    public sealed class UploadHandlerRaw : UploadHandler { public UploadHandlerRaw(byte[] data) { } }
    public sealed class UnityWebRequestAsyncOperation : AsyncOperation { }
    public sealed class UnityWebRequest : IDisposable
    {
        public enum Result { InProgress, Success, ConnectionError, ProtocolError, DataProcessingError }
        public UnityWebRequest(string url, string method) { }
        public DownloadHandler downloadHandler { get; set; }
        public UploadHandler uploadHandler { get; set; }
        public bool isDone { get { return false; } }
        public Result result { get { return Result.InProgress; } }
        public long responseCode { get { return 0; } }
        public string error { get { return null; } }
        public void SetRequestHeader(string name, string value) { }
        public UnityWebRequestAsyncOperation SendWebRequest() { return null; }
        public Dictionary<string, string> GetResponseHeaders() { return null; }
        public void Abort() { }
        public void Dispose() { }
    }
}

namespace UnityEngine.EventSystems
{
    public class UIBehaviour : MonoBehaviour { }
}

namespace UnityEngine.UI
{
    public class Graphic : UnityEngine.EventSystems.UIBehaviour { public Color color { get; set; } }
    public class MaskableGraphic : Graphic { }
    public class Image : MaskableGraphic { }
    public class Text : MaskableGraphic
    {
        public Font font { get; set; }
        public int fontSize { get; set; }
        public TextAnchor alignment { get; set; }
        public HorizontalWrapMode horizontalOverflow { get; set; }
        public virtual string text { get; set; }
    }
    public class Selectable : UnityEngine.EventSystems.UIBehaviour { public bool interactable { get; set; } }
    public class Button : Selectable
    {
        public class ButtonClickedEvent : UnityEngine.Events.UnityEvent { }
        public ButtonClickedEvent onClick { get; set; }
    }
    public class InputField : Selectable
    {
        public enum ContentType { Standard, Autocorrected, IntegerNumber, DecimalNumber, Alphanumeric, Name, EmailAddress, Password, Pin, Custom }
        public enum LineType { SingleLine, MultiLineSubmit, MultiLineNewline }
        public string text { get; set; }
        public Text textComponent { get; set; }
        public ContentType contentType { get; set; }
        public LineType lineType { get; set; }
        public int characterLimit { get; set; }
    }
    public sealed class CanvasScaler : UnityEngine.EventSystems.UIBehaviour
    {
        public enum ScaleMode { ConstantPixelSize, ScaleWithScreenSize, ConstantPhysicalSize }
        public ScaleMode uiScaleMode { get; set; }
        public Vector2 referenceResolution { get; set; }
    }
    public sealed class GraphicRaycaster : MonoBehaviour { }
}
