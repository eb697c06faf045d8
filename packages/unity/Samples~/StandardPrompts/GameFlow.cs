using System;
using System.Threading.Tasks;
using PlayGuard;
using UnityEngine;

namespace PlayGuard.Samples
{
    /// <summary>
    /// A game's login with PlayGuard and the standard prompts (docs/integration.md shows the same calls):
    /// real name when the account has none (with the guardian's consent for a child under 14), then play
    /// while the server allows it, stop when it says so and show the next allowed window; the complaint
    /// entry point throughout. Put it on a GameObject beside <see cref="PlayGuardPrompts"/> and
    /// set the gateway's address; <see cref="TokenAsync"/> stands for the publisher's account service.
    /// </summary>
    public sealed class GameFlow : MonoBehaviour
    {
        public string GatewayUrl = "https://api.example.cn";
        public PlayGuardPrompts Prompts;

        PlayGuardClient pg;
        PlayGuardSession session;

        async void Start()
        {
            pg = new PlayGuardClient(PlayGuardRunner.Options(GatewayUrl, TokenAsync));
            try
            {
                // The complaint entry point (投诉与反馈), there whatever the player may do now.
                Prompts.ComplaintEntry((category, text) => pg.SubmitComplaintAsync(category, text));
                var identity = await pg.IdentityStatusAsync();
                // For a child under 14 the form goes on to the guardian's consent (a checkbox naming the privacy policy version).
                if (identity.Status == "none" || identity.Status == "rejected") await Prompts.RealNameForm((name, id, consent) => pg.SubmitIdentityAsync(name, id, consent));
                session = PlayGuardRunner.Instance.Track(await pg.StartSessionAsync(SystemInfo.deviceUniqueIdentifier));
                Prompts.Attach(session);
                session.Terminated += e => StopPlaying();
            }
            catch (PlayGuardProblemException e) when (e.Code == ProblemCode.GuardianConsentRequired && e.Consent == "attested")
            {
                // The privacy policy changed since the guardian consented (or nobody has): ask again, with the
                // real name the form collects, then log in as above.
                await Prompts.RealNameForm((name, id, consent) => pg.SubmitIdentityAsync(name, id, consent ?? e.PolicyVersion));
                Start();
            }
            catch (PlayGuardProblemException e) when (e.Code == ProblemCode.PlayTimeRestricted || e.Code == ProblemCode.GuardianRestricted)
            {
                await Prompts.EndOfPlay(new TerminateEvent { Reason = e.CodeName, NextWindowStart = e.NextWindowStart, NextWindowEnd = e.NextWindowEnd, Problem = e });
            }
            catch (PlayGuardProblemException e) when (e.Code == ProblemCode.SessionActiveElsewhere)
            {
                // Ask the player first in a real game; here the newest login wins.
                session = PlayGuardRunner.Instance.Track(await pg.StartSessionAsync(SystemInfo.deviceUniqueIdentifier, takeover: true));
                Prompts.Attach(session);
            }
        }

        /// <summary>The player quits: log out.</summary>
        public async void Quit()
        {
            if (session != null) await session.EndAsync();
        }

        void StopPlaying()
        {
            Time.timeScale = 0; // the game's own way to stop play
        }

        /// <summary>The player's JWT from the publisher's account service (here: a placeholder).</summary>
        Task<string> TokenAsync()
        {
            throw new NotImplementedException("get the player's token from your account service");
        }
    }
}
