/**
 * The run's Config, or the program ends here: `--help`, `--check-config`, a configuration problem
 * or a directory it cannot write to. Nothing has been started yet, no simulator and no socket.
 */
import { loadConfig, type Config } from '../config/config.js';
import { readEnvFile } from '../config/env-file.js';
import { FLAG_HELP } from '../config/flags.js';
import { renderEffectiveConfig } from '../config/check-config.js';
import { checkRequiredDirs, requiredDirs } from '../files/required-dirs.js';
import { EXIT_CONFIG, fail } from './exit.js';

export function configOrExit(argv: readonly string[]): Config {
  const envFile = readEnvFile('.env');
  const loaded = loadConfig(argv, process.env, envFile.values, envFile);
  if (loaded.flags.help) {
    process.stdout.write(FLAG_HELP + '\n');
    process.exit(0);
  }
  const problems = [...envFile.problems, ...(loaded.ok ? [] : loaded.problems)];
  if (!loaded.ok || problems.length > 0) {
    fail(`Configuration problems:\n${problems.map((p) => `  - ${p}`).join('\n')}`, EXIT_CONFIG);
  }
  const config = loaded.config;
  if (loaded.flags.checkConfig) {
    process.stdout.write(renderEffectiveConfig(config, loaded.flags, loaded.values, loaded.sources) + '\n');
    process.exit(0);
  }
  // Every directory the run writes to, before anything starts.
  const dirProblems = checkRequiredDirs(requiredDirs(config));
  if (dirProblems.length > 0) {
    fail(
      `Start-up problems (nothing was started):\n${dirProblems.map((p) => `  - ${p}`).join('\n')}`,
      EXIT_CONFIG,
    );
  }
  return config;
}
