#if UNITY_5_3_OR_NEWER
using System;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using UnityEngine.Networking;

namespace PlayGuard
{
    /// <summary>
    /// The transport inside Unity: <see cref="UnityWebRequest"/>, which every player platform has
    /// (WebGL included, where sockets are not). Call it from the main thread, as Unity requires;
    /// <see cref="PlayGuardRunner"/> keeps the client there. A 4xx or 5xx is an answer like any other;
    /// only a connection or data-processing error is "no answer".
    /// </summary>
    public sealed class UnityWebRequestTransport : IPlayGuardTransport
    {
        public Task<PlayGuardResponse> SendAsync(PlayGuardRequest request, CancellationToken cancel)
        {
            var done = new TaskCompletionSource<PlayGuardResponse>();
            var www = new UnityWebRequest(request.Url, request.Method);
            www.downloadHandler = new DownloadHandlerBuffer();
            if (request.Body != null)
            {
                www.uploadHandler = new UploadHandlerRaw(Encoding.UTF8.GetBytes(request.Body));
                www.uploadHandler.contentType = "application/json";
            }
            foreach (var h in request.Headers) www.SetRequestHeader(h.Key, h.Value);
            // The client's own timeout cancels; UnityWebRequest.timeout is left at 0 (none) so there is one clock.
            var registration = cancel.Register(() => { if (!www.isDone) www.Abort(); });
            var operation = www.SendWebRequest();
            operation.completed += _ =>
            {
                registration.Dispose();
                try
                {
                    if (cancel.IsCancellationRequested) done.TrySetCanceled();
                    else if (www.result == UnityWebRequest.Result.ConnectionError || www.result == UnityWebRequest.Result.DataProcessingError || www.responseCode == 0)
                        done.TrySetException(new Exception(www.error ?? "no answer"));
                    else
                    {
                        var response = new PlayGuardResponse { Status = (int)www.responseCode, Body = www.downloadHandler.text };
                        var headers = www.GetResponseHeaders();
                        if (headers != null) foreach (var h in headers) response.Headers[h.Key] = h.Value;
                        done.TrySetResult(response);
                    }
                }
                finally
                {
                    www.Dispose();
                }
            };
            return done.Task;
        }
    }
}
#endif
