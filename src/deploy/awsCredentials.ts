import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { UserFacingError } from '../shared/errors.js';

/** Where the credential check looks; tests pass an empty environment and a temporary home. */
export interface CredentialProbe {
  readonly env: NodeJS.ProcessEnv;
  readonly homeDir: string;
  readonly fileExists: (path: string) => boolean;
}

export const processCredentialProbe: CredentialProbe = {
  env: process.env,
  homeDir: homedir(),
  fileExists: existsSync,
};

/**
 * Names the first place the AWS SDK's default chain would find credentials, looking only at the
 * environment and local files (no network, so no instance metadata), or undefined if there is none.
 */
export function findCredentialSource(probe: CredentialProbe): string | undefined {
  const set = (name: string) => (probe.env[name] ?? '').trim() !== '';
  if (set('AWS_ACCESS_KEY_ID') && set('AWS_SECRET_ACCESS_KEY')) return 'AWS_ACCESS_KEY_ID';
  if (set('AWS_PROFILE')) return `AWS_PROFILE=${probe.env['AWS_PROFILE']}`;
  if (set('AWS_WEB_IDENTITY_TOKEN_FILE')) return 'AWS_WEB_IDENTITY_TOKEN_FILE';
  if (set('AWS_CONTAINER_CREDENTIALS_RELATIVE_URI') || set('AWS_CONTAINER_CREDENTIALS_FULL_URI'))
    return 'container credentials';
  const files = [
    probe.env['AWS_SHARED_CREDENTIALS_FILE'] || join(probe.homeDir, '.aws', 'credentials'),
    probe.env['AWS_CONFIG_FILE'] || join(probe.homeDir, '.aws', 'config'),
  ];
  return files.find((file) => probe.fileExists(file));
}

/** Raised before the CDK toolkit starts, so a missing login is one clear line, not a stack trace. */
export class MissingCredentialsError extends UserFacingError {
  constructor(command: string) {
    super(
      `no AWS credentials found: '${command}' talks to CloudFormation in your AWS account. Looked for ` +
        'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE, AWS_WEB_IDENTITY_TOKEN_FILE, container ' +
        'credentials, ~/.aws/credentials and ~/.aws/config. Fix: run `aws configure` (or `aws sso login` and set ' +
        'AWS_PROFILE) and try again. On EC2 with an instance profile, pass --no-credentials-check. ' +
        '`personalize-retrain synth` needs no credentials.',
      1,
    );
  }
}
