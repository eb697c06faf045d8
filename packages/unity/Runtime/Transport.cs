using System;
using System.Collections.Generic;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace PlayGuard
{
    /// <summary>One request as the client sends it.</summary>
    public sealed class PlayGuardRequest
    {
        public string Method;
        public string Url;
        /// <summary>Header names in lower case.</summary>
        public Dictionary<string, string> Headers = new Dictionary<string, string>();
        /// <summary>The JSON body, or null.</summary>
        public string Body;
    }

    /// <summary>One answer: its status, its headers (looked up whatever their case) and its body as text.</summary>
    public sealed class PlayGuardResponse
    {
        public int Status;
        public Dictionary<string, string> Headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        public string Body;

        public string Header(string name)
        {
            string v;
            return Headers.TryGetValue(name, out v) ? v : null;
        }
    }

    /// <summary>
    /// How requests go out: <see cref="UnityWebRequestTransport"/> inside Unity (all platforms,
    /// WebGL included), <see cref="HttpClientTransport"/> elsewhere (a C# game server, tests). A
    /// transport answers every status as a response; it throws only when there is no answer (and
    /// throws <see cref="OperationCanceledException"/> when <paramref name="cancel"/> fires).
    /// </summary>
    public interface IPlayGuardTransport
    {
        Task<PlayGuardResponse> SendAsync(PlayGuardRequest request, CancellationToken cancel);
    }

    /// <summary>A transport over <see cref="HttpClient"/> (.NET Standard 2.0). Not for Unity's WebGL player, which has no sockets.</summary>
    public sealed class HttpClientTransport : IPlayGuardTransport
    {
        static readonly HttpClient Shared = new HttpClient { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        readonly HttpClient http;

        /// <summary>One <see cref="HttpClient"/> for the process unless one is given (its own timeout is not used: the client's is).</summary>
        public HttpClientTransport(HttpClient http = null)
        {
            this.http = http ?? Shared;
        }

        public async Task<PlayGuardResponse> SendAsync(PlayGuardRequest request, CancellationToken cancel)
        {
            using (var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url))
            {
                if (request.Body != null) message.Content = new StringContent(request.Body, Encoding.UTF8, "application/json");
                foreach (var h in request.Headers)
                {
                    if (h.Key == "content-type") continue; // set with the content
                    message.Headers.TryAddWithoutValidation(h.Key, h.Value);
                }
                using (var answer = await http.SendAsync(message, HttpCompletionOption.ResponseContentRead, cancel).ConfigureAwait(false))
                {
                    var response = new PlayGuardResponse { Status = (int)answer.StatusCode };
                    foreach (var h in answer.Headers) response.Headers[h.Key] = string.Join(",", h.Value);
                    if (answer.Content != null)
                    {
                        foreach (var h in answer.Content.Headers) response.Headers[h.Key] = string.Join(",", h.Value);
                        var bytes = await answer.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                        response.Body = Encoding.UTF8.GetString(bytes);
                    }
                    return response;
                }
            }
        }
    }
}
