import { describe, expect, it } from 'vitest';
import { batched } from './messages.ts';

const turnEnd = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function recorder(maxPerPost?: number): {
  post: (m: number, transfer?: ArrayBuffer[]) => void;
  posts: { messages: number[]; transfer: number }[];
} {
  const posts: { messages: number[]; transfer: number }[] = [];
  const post = batched<number>((messages, transfer) => {
    posts.push({ messages, transfer: transfer.length });
  }, maxPerPost);
  return { post, posts };
}

describe('batched', () => {
  it("posts a turn's messages as one array, in order, at the end of the turn", async () => {
    const { post, posts } = recorder();
    for (let i = 1; i <= 40; i++) post(i, i % 10 === 0 ? [new ArrayBuffer(1)] : undefined);
    expect(posts).toEqual([]);
    await turnEnd();
    expect(posts).toEqual([{ messages: Array.from({ length: 40 }, (_, i) => i + 1), transfer: 4 }]);
    post(41);
    await turnEnd();
    expect(posts.map((p) => p.messages)).toEqual([expect.any(Array), [41]]);
  });

  it('posts as soon as maxPerPost messages wait, and the rest at the end of the turn', async () => {
    const { post, posts } = recorder(16);
    for (let i = 1; i <= 15; i++) post(i);
    expect(posts).toEqual([]);
    post(16, [new ArrayBuffer(1)]);
    expect(posts).toEqual([{ messages: Array.from({ length: 16 }, (_, i) => i + 1), transfer: 1 }]);
    for (let i = 17; i <= 40; i++) post(i);
    expect(posts.map((p) => p.messages.length)).toEqual([16, 16]);
    await turnEnd();
    expect(posts.map((p) => p.messages.length)).toEqual([16, 16, 8]);
    expect(posts.flatMap((p) => p.messages)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // A turn whose messages all went out early posts nothing more at its end.
    for (let i = 41; i <= 56; i++) post(i);
    await turnEnd();
    expect(posts.map((p) => p.messages.length)).toEqual([16, 16, 8, 16]);
  });
});
