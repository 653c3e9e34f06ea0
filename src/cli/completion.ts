// `cozy-assess completion bash|zsh|fish`: a completion script generated from the command line's own definition
// (commands, flags, which flags take a file, a folder, a context or one of a few values, and each command's -o
// formats), so it cannot drift from the commands. Contexts are completed at completion time by the hidden
// `__contexts` command, which lists the kubeconfig's contexts as kubectl finds them.
import { Argument, type Command, type Option } from 'commander';
import { resolveGlobals } from './globals.js';
import { formatsFor } from './format-names.js';
import { PRINTS_OF } from './program.js';
import type { Io } from './terminal.js';

export const SHELLS = ['bash', 'zsh', 'fish'] as const;
export type Shell = (typeof SHELLS)[number];

type ValueKind = 'file' | 'dir' | 'context' | 'choice' | 'text';

interface FlagSpec {
  long: string;
  short?: string;
  description: string;
  value?: ValueKind;
  choices?: readonly string[];
}

interface CommandSpec {
  /** `assess`, `backup verify`. */
  path: string;
  name: string;
  description: string;
  flags: FlagSpec[];
  /** What a positional argument is: a folder, a file, one of a few words, or nothing. */
  argument?: { value: 'file' | 'dir' | 'choice'; choices?: readonly string[] };
  subcommands: string[];
}

export interface CompletionSpec {
  name: string;
  aliases: string[];
  global: FlagSpec[];
  commands: CommandSpec[];
}

/** A flag's value from its placeholder: `<file>`, `<dir>`, `<name>` of --context, choices, or free text. */
function flagValue(option: Option): Pick<FlagSpec, 'value' | 'choices'> {
  if (!option.required && !option.optional) return {};
  if (option.argChoices && option.argChoices.length > 0)
    return { value: 'choice', choices: option.argChoices };
  if (option.long === '--context') return { value: 'context' };
  const placeholder = /<([^>]+)>/.exec(option.flags)?.[1] ?? '';
  if (placeholder === 'file' || placeholder === 'assessment') return { value: 'file' };
  if (placeholder === 'dir') return { value: 'dir' };
  return { value: 'text' };
}

function flagsOf(command: Command, outputs: readonly string[] | undefined): FlagSpec[] {
  return command.options
    .filter((o) => !o.hidden && o.long)
    .map((o) => {
      const flag: FlagSpec = { long: o.long!, description: o.description, ...flagValue(o) };
      if (o.short) flag.short = o.short;
      if (o.long === '--output' && outputs) return { ...flag, value: 'choice' as const, choices: outputs };
      return flag;
    });
}

function argumentOf(command: Command): CommandSpec['argument'] {
  const argument = command.registeredArguments[0];
  if (!argument) return undefined;
  if (argument.argChoices) return { value: 'choice', choices: argument.argChoices };
  return argument.name() === 'dir' ? { value: 'dir' } : { value: 'file' };
}

/**
 * The spec of a program: its global flags and every visible command. `outputs` gives the -o formats a command
 * accepts, by command path; a command without an entry takes the global flag's own values.
 */
export function completionSpec(
  program: Command,
  outputs: Readonly<Record<string, readonly string[]>>,
  aliases: string[] = [],
): CompletionSpec {
  const commands: CommandSpec[] = [];
  const walk = (command: Command, prefix: string) => {
    for (const sub of command.commands) {
      if ((sub as Command & { _hidden?: boolean })._hidden) continue;
      const path = prefix ? `${prefix} ${sub.name()}` : sub.name();
      commands.push({
        path,
        name: sub.name(),
        description: sub.description(),
        flags: [
          ...flagsOf(sub, undefined),
          ...flagsOf(program, outputs[path]).filter((f) => f.long === '--output'),
        ],
        argument: argumentOf(sub),
        subcommands: sub.commands
          .filter((c) => !(c as Command & { _hidden?: boolean })._hidden)
          .map((c) => c.name()),
      });
      walk(sub, path);
    }
  };
  walk(program, '');
  return {
    name: program.name(),
    aliases,
    global: flagsOf(program, undefined).filter((f) => f.long !== '--output'),
    commands,
  };
}

/** A flag's names as typed: `--output`, `-o`. */
const flagNames = (f: FlagSpec) => [f.long, f.short].filter((n): n is string => n !== undefined);
const words = (list: readonly string[]) => list.join(' ');
const quoteSh = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

function bashFunction(spec: CompletionSpec): string {
  const fn = `_${spec.name.replace(/\W/g, '_')}`;
  const all = [...spec.global, ...spec.commands.flatMap((c) => c.flags)];
  const choiceNames = new Set(all.filter((f) => f.value === 'choice').flatMap(flagNames));
  // A flag with choices in one command (-o) is completed by the choice case everywhere.
  const byValue = (kind: ValueKind) => [
    ...new Set(
      all
        .filter((f) => f.value === kind)
        .flatMap(flagNames)
        .filter((n) => kind === 'choice' || !choiceNames.has(n)),
    ),
  ];
  const valueFlags = [...new Set(all.filter((f) => f.value).flatMap(flagNames))];
  const globalFlags = spec.global.flatMap(flagNames);
  const top = spec.commands.filter((c) => !c.path.includes(' ')).map((c) => c.name);
  const choiceCases = spec.commands
    .flatMap((c) => c.flags.filter((f) => f.value === 'choice').map((f) => ({ c, f })))
    .map(
      ({ c, f }) =>
        `      ${flagNames(f)
          .map((n) => `${quoteSh(c.path)}:${n}`)
          .join('|')}) COMPREPLY=($(compgen -W ${quoteSh(words(f.choices ?? []))} -- "$cur")) ;;`,
    );
  const globalChoices = spec.global
    .filter((f) => f.value === 'choice')
    .map(
      (f) =>
        `      *:${flagNames(f).join('|*:')}) COMPREPLY=($(compgen -W ${quoteSh(words(f.choices ?? []))} -- "$cur")) ;;`,
    );
  const flagCases = spec.commands.map(
    (c) =>
      `    ${quoteSh(c.path)}) flags=${quoteSh(words([...globalFlags, ...c.flags.flatMap(flagNames)]))} ;;`,
  );
  const argCases = spec.commands.map((c) => {
    const subs = c.subcommands.length > 0 ? `compgen -W ${quoteSh(words(c.subcommands))} -- "$cur"` : '';
    const arg =
      c.argument?.value === 'dir'
        ? 'compgen -d -- "$cur"'
        : c.argument?.value === 'file'
          ? 'compgen -f -- "$cur"'
          : c.argument?.value === 'choice'
            ? `compgen -W ${quoteSh(words(c.argument.choices ?? []))} -- "$cur"`
            : '';
    const parts = [subs, arg].filter(Boolean).join('; ');
    return `    ${quoteSh(c.path)}) ${parts ? `COMPREPLY=($(${parts}))` : 'COMPREPLY=()'} ;;`;
  });
  const subcommandCases = spec.commands
    .filter((c) => c.subcommands.length > 0)
    .map((c) => `          ${quoteSh(c.path)}:${c.subcommands.join('|')}) cmd="$cmd $w" ;;`);
  return `${fn}() {
  # zsh (bashcompinit) hands over 1-based arrays; the indexes below are bash's.
  [ -n "\${ZSH_VERSION:-}" ] && setopt localoptions ksharrays
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="" cmd="" kubeconfig=() w i skip=0 flags
  ((COMP_CWORD > 0)) && prev="\${COMP_WORDS[COMP_CWORD-1]}"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if ((skip)); then skip=0; continue; fi
    case "$w" in
      --kubeconfig) kubeconfig=(--kubeconfig "\${COMP_WORDS[i+1]}"); skip=1 ;;
      --kubeconfig=*) kubeconfig=(--kubeconfig "\${w#--kubeconfig=}") ;;
      -*=*) ;;
      -*) case " ${words(valueFlags)} " in *" $w "*) skip=1 ;; esac ;;
      *)
        if [ -z "$cmd" ]; then
          case " ${words(top)} " in *" $w "*) cmd="$w" ;; esac
        else
          case "$cmd:$w" in
${subcommandCases.join('\n')}
          esac
        fi
        ;;
    esac
  done
  case "$prev" in
    ${byValue('file').join('|') || '--never-a-flag'}) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    ${byValue('dir').join('|') || '--never-a-flag'}) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    ${byValue('context').join('|') || '--never-a-flag'}) COMPREPLY=($(compgen -W "$(${spec.name} __contexts "\${kubeconfig[@]}" 2>/dev/null)" -- "$cur")); return ;;
    ${byValue('choice').join('|') || '--never-a-flag'})
      case "$cmd:$prev" in
${choiceCases.join('\n')}
${globalChoices.join('\n')}
      esac
      return ;;
    ${byValue('text').join('|') || '--never-a-flag'}) COMPREPLY=(); return ;;
  esac
  if [[ "$cur" == -* ]]; then
    flags=${quoteSh(words(globalFlags))}
    case "$cmd" in
${flagCases.join('\n')}
    esac
    COMPREPLY=($(compgen -W "$flags" -- "$cur"))
    return
  fi
  case "$cmd" in
    '') COMPREPLY=($(compgen -W ${quoteSh(words(top))} -- "$cur")) ;;
${argCases.join('\n')}
  esac
}`;
}

function bashScript(spec: CompletionSpec): string {
  const fn = `_${spec.name.replace(/\W/g, '_')}`;
  return `# ${spec.name} completion for bash. Load it now:  source <(${spec.name} completion bash)
# or for good:  ${spec.name} completion bash > ~/.local/share/bash-completion/completions/${spec.name}
${bashFunction(spec)}
complete -o default -F ${fn} ${[spec.name, ...spec.aliases].join(' ')}
`;
}

function zshScript(spec: CompletionSpec): string {
  const fn = `_${spec.name.replace(/\W/g, '_')}`;
  return `#compdef ${[spec.name, ...spec.aliases].join(' ')}
# ${spec.name} completion for zsh (the bash completion, through zsh's bashcompinit). Load it now:
#   source <(${spec.name} completion zsh)
# or for good: ${spec.name} completion zsh > "\${fpath[1]}/_${spec.name}"   (after compinit)
autoload -U +X bashcompinit && bashcompinit
${bashFunction(spec)}
complete -o default -F ${fn} ${[spec.name, ...spec.aliases].join(' ')}
`;
}

const fishQuote = (text: string) => `'${text.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

function fishFlag(name: string, flag: FlagSpec, condition: string): string {
  const parts = [`complete -c ${name}`];
  if (condition) parts.push(`-n ${fishQuote(condition)}`);
  if (flag.short) parts.push(`-s ${flag.short.replace(/^-/, '')}`);
  parts.push(`-l ${flag.long.replace(/^--/, '')}`);
  if (flag.value === 'file') parts.push('-r -F');
  else if (flag.value === 'dir') parts.push(`-r -x -a ${fishQuote('(__fish_complete_directories)')}`);
  else if (flag.value === 'context') parts.push(`-x -a ${fishQuote(`(${name} __contexts 2>/dev/null)`)}`);
  else if (flag.value === 'choice') parts.push(`-x -a ${fishQuote(words(flag.choices ?? []))}`);
  else if (flag.value === 'text') parts.push('-x');
  parts.push(`-d ${fishQuote(flag.description)}`);
  return parts.join(' ');
}

function fishScript(spec: CompletionSpec): string {
  const lines = [
    `# ${spec.name} completion for fish. Load it now:  ${spec.name} completion fish | source`,
    `# or for good:  ${spec.name} completion fish > ~/.config/fish/completions/${spec.name}.fish`,
  ];
  for (const name of [spec.name, ...spec.aliases]) {
    const top = spec.commands.filter((c) => !c.path.includes(' '));
    lines.push(`complete -c ${name} -f`);
    for (const c of top) {
      lines.push(
        `complete -c ${name} -n '__fish_use_subcommand' -a ${c.name} -d ${fishQuote(c.description)}`,
      );
    }
    for (const flag of spec.global) lines.push(fishFlag(name, flag, ''));
    for (const c of spec.commands) {
      const chain = c.path.split(' ');
      const seen = chain.map((w) => `__fish_seen_subcommand_from ${w}`).join('; and ');
      const deeper = c.subcommands.map((s) => `; and not __fish_seen_subcommand_from ${s}`).join('');
      const condition = `${seen}${deeper}`;
      for (const flag of c.flags) lines.push(fishFlag(name, flag, condition));
      for (const sub of spec.commands.filter((s) => s.path === `${c.path} ${s.name}`)) {
        lines.push(
          `complete -c ${name} -n ${fishQuote(condition)} -a ${sub.name} -d ${fishQuote(sub.description)}`,
        );
      }
      if (c.argument?.value === 'file') lines.push(`complete -c ${name} -n ${fishQuote(condition)} -F`);
      if (c.argument?.value === 'dir') {
        lines.push(
          `complete -c ${name} -n ${fishQuote(condition)} -a ${fishQuote('(__fish_complete_directories)')}`,
        );
      }
      if (c.argument?.value === 'choice') {
        lines.push(
          `complete -c ${name} -n ${fishQuote(condition)} -a ${fishQuote(words(c.argument.choices ?? []))}`,
        );
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

export function completionScript(spec: CompletionSpec, shell: Shell): string {
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  return fishScript(spec);
}

/**
 * Cobra's shell completion directives (github.com/spf13/cobra, shell_completions.md), which kubectl reads from
 * the last line of a plugin's completion executable (`:<n>`).
 */
export const Directive = { default: 0, noSpace: 2, noFileComp: 4, filterDirs: 16 } as const;

export interface DynamicCompletion {
  /** Each choice, with its description for the shells that show one (zsh, fish). */
  choices: { value: string; description?: string }[];
  directive: number;
}

/** The command the typed words name (`backup verify`), and the --kubeconfig among them. */
function typedCommand(
  spec: CompletionSpec,
  typed: readonly string[],
): { command: CommandSpec | undefined; kubeconfig: string | undefined } {
  const takesValue = new Set(
    [...spec.global, ...spec.commands.flatMap((c) => c.flags)].filter((f) => f.value).flatMap(flagNames),
  );
  let command: CommandSpec | undefined;
  let kubeconfig: string | undefined;
  for (let i = 0; i < typed.length; i++) {
    const word = typed[i]!;
    if (word === '--kubeconfig') kubeconfig = typed[i + 1];
    else if (word.startsWith('--kubeconfig=')) kubeconfig = word.slice('--kubeconfig='.length);
    if (word.startsWith('-')) {
      if (!word.includes('=') && takesValue.has(word)) i++; // its value is the next word
      continue;
    }
    const path = command ? `${command.path} ${word}` : word;
    command = spec.commands.find((c) => c.path === path) ?? command;
  }
  return { command, kubeconfig };
}

const startingWith = (prefix: string, values: readonly string[]) =>
  values.filter((v) => v.startsWith(prefix));

/** The values of `flag` starting with `partial` (each behind `prefix`, for `--flag=`); files and folders are the shell's. */
function completeValue(
  spec: CompletionSpec,
  flag: FlagSpec,
  command: CommandSpec | undefined,
  partial: string,
  prefix: string,
  contexts: () => string[],
): DynamicCompletion {
  if (flag.value === 'file') return { choices: [], directive: Directive.default };
  if (flag.value === 'dir') return { choices: [], directive: Directive.filterDirs };
  let values: readonly string[] = [];
  if (flag.value === 'context') values = contexts();
  else if (flag.long === '--output' && !command) {
    // -o before the command: every format some command prints.
    values = [
      ...new Set(spec.commands.flatMap((c) => c.flags.find((f) => f.long === '--output')?.choices ?? [])),
    ];
  } else if (flag.value === 'choice') values = flag.choices ?? [];
  return {
    choices: startingWith(partial, values).map((v) => ({ value: `${prefix}${v}` })),
    directive: Directive.noFileComp,
  };
}

/** A command's subcommands and positional argument. */
function completeArgument(
  spec: CompletionSpec,
  command: CommandSpec | undefined,
  current: string,
): DynamicCompletion {
  const children = command
    ? spec.commands.filter((c) => c.path === `${command.path} ${c.name}`)
    : spec.commands.filter((c) => !c.path.includes(' '));
  const choices = children
    .filter((c) => c.name.startsWith(current))
    .map((c) => ({ value: c.name, description: c.description }));
  const argument = command?.argument;
  if (argument?.value === 'dir') return { choices, directive: Directive.filterDirs };
  if (argument?.value === 'file') return { choices, directive: Directive.default };
  const values = argument?.value === 'choice' ? startingWith(current, argument.choices ?? []) : [];
  return { choices: [...choices, ...values.map((value) => ({ value }))], directive: Directive.noFileComp };
}

/**
 * What to offer for the last of `words` (the word being typed, maybe empty), the others being the command
 * line typed before it: the same rules as the bash script, for kubectl's plugin completion (kubectl calls
 * `kubectl_complete-cozy_assess` with the plugin's words). `contexts` is called only to complete --context.
 */
export function completeWords(
  spec: CompletionSpec,
  words: readonly string[],
  contexts: (kubeconfig: string | undefined) => string[],
): DynamicCompletion {
  const typed = words.slice(0, -1);
  const current = words[words.length - 1] ?? '';
  const { command, kubeconfig } = typedCommand(spec, typed);
  const flagsHere = [...spec.global, ...(command?.flags ?? [])];
  const allFlags = [...flagsHere, ...spec.commands.flatMap((c) => c.flags)];
  const flagNamed = (name: string) => allFlags.find((f) => flagNames(f).includes(name));
  const listContexts = () => contexts(kubeconfig);

  const assigned = /^(--[^=]+)=(.*)$/.exec(current);
  const assignedFlag = assigned ? flagNamed(assigned[1]!) : undefined;
  if (assigned && assignedFlag?.value)
    return completeValue(spec, assignedFlag, command, assigned[2]!, `${assigned[1]}=`, listContexts);
  const previous = typed[typed.length - 1];
  const previousFlag = previous?.startsWith('-') && !previous.includes('=') ? flagNamed(previous) : undefined;
  if (previousFlag?.value) return completeValue(spec, previousFlag, command, current, '', listContexts);
  if (current.startsWith('-')) {
    const choices = flagsHere.flatMap((f) =>
      startingWith(current, flagNames(f)).map((value) => ({ value, description: f.description })),
    );
    return { choices, directive: Directive.noFileComp };
  }
  return completeArgument(spec, command, current);
}

/** The lines kubectl reads from a plugin's completion executable: `value<TAB>description` each, then `:<directive>`. */
export function cobraCompletionOutput(completion: DynamicCompletion): string {
  const lines = completion.choices.map(({ value, description }) =>
    description ? `${value}\t${description.replace(/\s+/g, ' ')}` : value,
  );
  return `${[...lines, `:${completion.directive}`].join('\n')}\n`;
}

/** The -o formats of every command that prints something. */
function outputsByCommand(): Record<string, readonly string[]> {
  return Object.fromEntries(Object.entries(PRINTS_OF).map(([path, kind]) => [path, formatsFor(kind)]));
}

/** The kubeconfig's context names, or none when it cannot be read (a completion never fails). */
async function contextLister(io: Pick<Io, 'env'>): Promise<(kubeconfig: string | undefined) => string[]> {
  // Loaded here, not with the program: --help reads no kubeconfig and loads no YAML parser.
  const { kubeconfigContextNames } = await import('../cluster/kubeconfig.js');
  return (kubeconfig) => {
    try {
      return kubeconfigContextNames({ kubeconfig, env: io.env, home: io.env.HOME });
    } catch {
      return [];
    }
  };
}

/** The word after which main() hands the rest of the command line to `writeDynamicCompletion`. */
export const DYNAMIC_COMPLETION_COMMAND = '__complete';

/**
 * Prints what to offer for `words` (the command line after the program's name, its last word the one being
 * typed) in the form kubectl reads from a plugin's completion executable. The words are never parsed as
 * flags: `--context ""` asks for contexts.
 */
export async function writeDynamicCompletion(
  program: Command,
  words: readonly string[],
  io: Pick<Io, 'stdout' | 'env'>,
): Promise<void> {
  const spec = completionSpec(program, outputsByCommand());
  const completion = completeWords(spec, words.length > 0 ? words : [''], await contextLister(io));
  io.stdout.write(cobraCompletionOutput(completion));
}

/**
 * Adds `completion bash|zsh|fish` and the hidden `__contexts` (what the scripts call for --context) to the
 * program. Both only print: no cluster, no config, no output format.
 */
export function addCompletionCommands(program: Command, io: Pick<Io, 'stdout' | 'env'>): void {
  program
    .command('completion')
    .description('print a shell completion script (commands, flags, -o values, kubeconfig contexts)')
    .addArgument(new Argument('<shell>', 'the shell to complete in').choices(SHELLS))
    .addHelpText(
      'after',
      `
Examples:
  $ source <(cozy-assess completion bash)                # bash, this session; zsh: the same with zsh
  $ cozy-assess completion fish > ~/.config/fish/completions/cozy-assess.fish

Exit codes: 0 printed, 2 a shell it does not know.`,
    )
    .action((shell: Shell) => {
      const spec = completionSpec(program, outputsByCommand(), ['kubectl-cozy_assess']);
      io.stdout.write(completionScript(spec, shell));
    });
  program
    .command('__contexts', { hidden: true })
    .description('list the kubeconfig contexts, one a line (for the completion scripts)')
    .action(async (_options: unknown, command: Command) => {
      const { kubeconfig } = resolveGlobals(command.optsWithGlobals(), io.env);
      // Loaded here, not with the program: --help reads no kubeconfig and loads no YAML parser.
      const { kubeconfigContextNames } = await import('../cluster/kubeconfig.js');
      const names = kubeconfigContextNames({ kubeconfig, env: io.env, home: io.env.HOME });
      io.stdout.write(names.map((name) => `${name}\n`).join(''));
    });
}
