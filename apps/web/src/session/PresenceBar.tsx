import { useEffect, useState } from 'react';
import { formatTime } from '../lib/format';
import { setQuery } from '../lib/router';
import { type Peer, peerPlayhead } from '../sync/mixdoc';
import { Avatar, Button } from '../ui/ui';
import { useSession, usePeers, usePlayerState } from './context';

/** One entry per person (several tabs of one person show once, the most recently active). */
export function uniquePeers(peers: Peer[]): Peer[] {
  const byUser = new Map<string, Peer>();
  for (const p of peers) {
    const prev = byUser.get(p.user.id);
    if (!prev || p.receivedAt > prev.receivedAt) byUser.set(p.user.id, p);
  }
  return [...byUser.values()].sort((a, b) => a.user.name.localeCompare(b.user.name));
}

export function PresenceBar() {
  const { me, mixdoc, player, revisions } = useSession();
  const peers = uniquePeers(usePeers());
  const following = useFollowing();
  const [, tick] = useState(0);
  const anyPlaying = peers.some((p) => p.playing);
  useEffect(() => {
    if (!anyPlaying) return;
    const id = window.setInterval(() => tick((n) => n + 1), 500);
    return () => window.clearInterval(id);
  }, [anyPlaying]);

  const follow = (userId: string | null) => {
    // The click is a user gesture: let audio start now so following someone who plays can be heard.
    void player.resumeAudio();
    mixdoc.setPresence({ followUserId: userId });
  };

  return (
    <section className="presence" aria-label="People in the room">
      <ul className="presence-list">
        <li className="presence-item" title={`${me.displayName} (you)`}>
          <Avatar id={me.id} name={me.displayName} ring />
          <span className="visually-hidden">{me.displayName} (you)</span>
        </li>
        {peers.map((p) => {
          const rev = revisions?.find((r) => r.id === p.revisionId);
          const where = `${p.playing ? 'playing' : 'paused'} at ${formatTime(peerPlayhead(p))}${rev ? ` on v${rev.number}` : ''}`;
          const isFollowed = following === p.user.id;
          return (
            <li key={p.clientId} className="presence-item">
              <Avatar id={p.user.id} name={p.user.name} />
              <span className="presence-text">
                <span className="presence-name">{p.user.name}</span>
                <span className="presence-where muted small">
                  {p.playing ? '▶' : '❚❚'} {formatTime(peerPlayhead(p))}
                  {rev ? ` · v${rev.number}` : ''}
                </span>
              </span>
              <span className="visually-hidden">{where}</span>
              <Button
                size="sm"
                variant={isFollowed ? 'primary' : 'ghost'}
                aria-pressed={isFollowed}
                onClick={() => follow(isFollowed ? null : p.user.id)}
              >
                {isFollowed ? `Following ${p.user.name}` : `Follow ${p.user.name}`}
              </Button>
            </li>
          );
        })}
      </ul>
      {peers.length === 0 && <span className="muted small">Only you are here</span>}
      <FollowController />
    </section>
  );
}

export function useFollowing(): string | null {
  const { mixdoc } = useSession();
  const [value, setValue] = useState(() => mixdoc.presence()?.followUserId ?? null);
  useEffect(() => {
    const update = () => setValue(mixdoc.presence()?.followUserId ?? null);
    mixdoc.awareness.on('change', update);
    return () => mixdoc.awareness.off('change', update);
  }, [mixdoc]);
  return value;
}

/** Publishes this person's transport to the room, and follows the leader's transport when following. */
function FollowController() {
  const { mixdoc, player } = useSession();
  const state = usePlayerState();
  const following = useFollowing();
  const peers = usePeers();

  // Publish: on every transport change, and once a second while playing so drift stays small.
  useEffect(() => {
    const publish = () =>
      mixdoc.setPresence({
        playhead: player.position(),
        playing: player.isPlaying,
        revisionId: player.activeKey,
      });
    publish();
    if (!state.playing) return;
    const id = window.setInterval(publish, 1000);
    return () => window.clearInterval(id);
  }, [mixdoc, player, state]);

  // Follow the leader.
  useEffect(() => {
    if (!following) return;
    const leader = uniquePeers(peers).find((p) => p.user.id === following);
    if (!leader) {
      mixdoc.setPresence({ followUserId: null });
      return;
    }
    // A leader listening to the stems (a scene is set) is followed by the mixer, not by the bounce player.
    if (leader.sceneId) return;
    if (leader.revisionId && leader.revisionId !== player.activeKey) {
      const params = new URLSearchParams(window.location.search);
      if (params.get('rev') !== leader.revisionId && params.get('compare') !== leader.revisionId) {
        setQuery('rev', leader.revisionId);
      } else player.switchTo(leader.revisionId);
    }
    const target = peerPlayhead(leader);
    if (Math.abs(target - player.position()) > 0.3) player.seek(target);
    if (leader.playing && !player.isPlaying) void player.play();
    if (!leader.playing && player.isPlaying) player.pause();
  }, [following, peers, player, mixdoc]);

  return null;
}
