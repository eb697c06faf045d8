/**
 * docs/deploy-china.md, tried against `cdk synth`: every `cdk deploy` command in it, with its
 * placeholders filled in, synthesizes (cdk-nag included) for cn-north-1 and cn-northwest-1 — and for
 * the region it names —, and left unfilled it is refused, naming the settings, so a command copied
 * without editing cannot deploy. A placeholder the guide adds must be added to FILL below.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { buildApp } from '#infra/app';
import { InvalidContext } from '#infra/context';
import { newKey } from '#infra/cli/keys';
import { HEAVY_TEST_MS } from '#test/support/timeouts';

const GUIDE = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'deploy-china.md'), 'utf8');
const keys = newKey(join(mkdtempSync(join(tmpdir(), 'pg-guide-')), 'publisher-keys'), 'pg-guide');

/** What a studio would put where the guide has a placeholder. */
const FILL: Record<string, string> = {
  '<china-profile>': 'mingyue-cn',
  '<global-profile>': 'mingyue',
  '<account-id>': '123456789012',
  '<your-domain>': 'mingyue-games.cn',
  '<certificate-id>': '0f6c1a52-5b2e-4d8e-9a57-3f0e2c7b9d11',
  '<bizId>': '1101999999',
  '<game-name>': '明月传说',
};

interface Command {
  text: string;
  region: string;
  context: Record<string, string>;
}

/** `-c key=value` pairs of a shell command (backslash continuations joined, single quotes honoured). */
function parse(text: string): Command {
  const line = text.replace(/\\\n\s*/g, ' ');
  const words = [...line.matchAll(/(?:[^\s']+|'[^']*')+/g)].map((m) => m[0].replace(/'([^']*)'/g, '$1'));
  const context: Record<string, string> = {};
  words.forEach((w, i) => {
    if (w === '-c') {
      const [k, ...v] = words[i + 1]!.split('=');
      context[k!] = v.join('=');
    }
  });
  return { text, region: /AWS_REGION=([a-z0-9-]+)/.exec(line)?.[1] ?? '', context };
}

const deployCommands: Command[] = [...GUIDE.matchAll(/```sh\n([\s\S]*?)```/g)]
  .flatMap((m) => m[1]!.split(/\n(?=\S)/))
  .filter((c) => c.includes('cdk deploy'))
  .map(parse);

const fill = (value: string) =>
  value.replace(/<[^>]+>/g, (p) => {
    if (!(p in FILL)) throw new Error(`docs/deploy-china.md uses ${p}: add it to FILL`);
    return FILL[p]!;
  });

function filled(c: Command, region: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(c.context).map(([k, v]) => [
      k,
      k === 'playguard:publisherKeys' ? keys.jwksFile : fill(v).replace(/\b(cn-north-1|cn-northwest-1)\b/, region),
    ]),
  );
}

describe('docs/deploy-china.md, against cdk synth', () => {
  it('has deploy commands for both China regions and the global section, every one with a staff issuer', () => {
    expect(deployCommands.map((c) => c.region)).toEqual(['cn-north-1', 'cn-northwest-1', 'ap-northeast-1']);
    for (const c of deployCommands) expect(Object.keys(c.context)).toContain('playguard:operatorIssuer');
  });

  const cases = deployCommands.flatMap((c, i) => [...new Set(['cn-north-1', 'cn-northwest-1', c.region])].map((region) => [i, region] as const));
  it.each(cases)(
    'command %i synthesizes in %s with its placeholders filled, cdk-nag included',
    (i, region) => {
      const c = deployCommands[i]!;
      const { app, stack } = buildApp(new App({ context: { ...filled(c, region), 'aws:cdk:bundling-stacks': [] } }), { account: '123456789012', region });
      expect(() => app.synth()).not.toThrow();
      const template = Template.fromStack(stack);
      template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 2);
      if (c.context['playguard:domainName']) template.hasResourceProperties('AWS::ApiGatewayV2::DomainName', { DomainName: 'playguard.mingyue-games.cn' });
      if (c.context['playguard:alarmEmail'])
        template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@mingyue-games.cn' });
    },
    HEAVY_TEST_MS,
  );

  it.each(deployCommands.map((c, i) => [i, c] as const))('command %i, copied without filling its placeholders, is refused naming each of them', (_i, c) => {
    const raw = { ...c.context, ...(c.context['playguard:publisherKeys'] ? { 'playguard:publisherKeys': keys.jwksFile } : {}) };
    let error: unknown;
    try {
      buildApp(new App({ context: { ...raw, 'aws:cdk:bundling-stacks': [] } }), { account: '123456789012', region: c.region });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidContext);
    const named = (error as InvalidContext).problems.map((p) => /^(playguard:\w+)/.exec(p)?.[1]);
    const withPlaceholders = Object.entries(c.context)
      .filter(([k, v]) => k !== 'playguard:games' && /<[^>]+>/.test(v))
      .map(([k]) => k);
    expect(withPlaceholders.length).toBeGreaterThan(0);
    for (const key of withPlaceholders) expect(named, key).toContain(key);
  });
});
