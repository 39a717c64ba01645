# shellcheck shell=bash
# Bash completion for sbx(1).
#
# Installed as $(PREFIX)/share/bash-completion/completions/sbx, where the
# bash-completion package loads it the first time `sbx <TAB>' is pressed; or
# source it from ~/.bashrc.  It needs nothing from bash-completion itself.
#
# The options and their arguments are read from `sbx --help' each time, so
# this file never falls behind the binary: every line of the help that starts
# with two blanks and "--NAME" is an option, and the words after the name up
# to the help text (separated by two blanks) are its arguments:
#
#   --bind SRC[:DST]             bind SRC read-write at DST ...
#   --setenv NAME VALUE          set an environment variable
#   --overlay                    a writable throwaway layer over the root
#
# What an argument completes to follows from how it is spelled: DIR, SRC and
# DST are paths, a|b|c are those words, NAME|FILE after --policy is a policy
# name, SYSCALL a system call name, and so on.

# _sbx_options SBX: print "NAME ARG ARG..." for each option of SBX --help.
_sbx_options() {
	local line name rest word
	local -a words
	while IFS= read -r line; do
		[[ $line =~ ^\ \ --([a-z0-9][a-z0-9-]*)(.*)$ ]] || continue
		name=${BASH_REMATCH[1]}
		rest=${BASH_REMATCH[2]}
		# The argument column ends where two blanks start the help text.
		# When the arguments are too long for their column, only one
		# blank follows: then they end at the first word that is not
		# spelled like an argument (upper case, or alternatives a|b).
		if [[ $rest == " "[!\ ]* ]]; then
			rest=${rest# }
			if [[ $rest == *"  "* ]]; then
				rest=${rest%%  *}
				read -ra words <<<"$rest"
			else
				local -a all
				read -ra all <<<"$rest"
				words=()
				for word in "${all[@]}"; do
					[[ $word == *"|"* || $word =~ ^[A-Z][A-Z0-9_:=.\[\]]*$ ]] || break
					words+=("$word")
				done
			fi
		else
			words=()
		fi
		printf '%s\n' "$name ${words[*]}"
	done < <("$1" --help 2>/dev/null)
}

# _sbx_binary: the sbx being completed for, as typed (~ expanded), if it
# runs; else sbx from PATH.
_sbx_binary() {
	local bin=${COMP_WORDS[0]}
	# shellcheck disable=SC2088 # a literal ~/ as typed
	[[ $bin == "~/"* ]] && bin=$HOME/${bin#"~/"}
	if [[ $bin == */* ]]; then
		[[ -x $bin ]] && { printf '%s\n' "$bin"; return; }
	elif type -P "$bin" >/dev/null 2>&1; then
		printf '%s\n' "$bin"
		return
	fi
	printf 'sbx\n'
}

# _sbx_policy_dirs SBX: the policy search path of sbx(1), in order.
_sbx_policy_dirs() {
	local bin=$1 real dir
	if [[ ${XDG_CONFIG_HOME:-} == /* ]]; then
		printf '%s\n' "$XDG_CONFIG_HOME/sbx/policy"
	elif [[ -n ${HOME:-} ]]; then
		printf '%s\n' "$HOME/.config/sbx/policy"
	fi
	printf '%s\n' /etc/sbx/policy
	[[ $bin == */* ]] || bin=$(type -P "$bin" 2>/dev/null)
	[[ -n $bin ]] || return 0
	real=$(readlink -f -- "$bin" 2>/dev/null) || real=$bin
	# The data directory, as make install lays it out: PREFIX/bin/sbx
	# and PREFIX/share/sbx/policy.
	dir=${bin%/*}
	printf '%s\n' "${dir%/*}/share/sbx/policy"
	dir=${real%/*}
	printf '%s\n' "${dir%/*}/share/sbx/policy" "$dir/policy"
}

# _sbx_policy_names SBX SUFFIX: policy names (SUFFIX empty) or seccomp
# list names (SUFFIX .seccomp) found along the search path, plus the
# built-in default.
_sbx_policy_names() {
	local dir file name
	{
		printf 'default\n'
		while IFS= read -r dir; do
			[[ -d $dir ]] || continue
			for file in "$dir"/*"$2"; do
				[[ -f $file ]] || continue
				name=${file##*/}
				case $name in
				.* | *~) continue ;;
				esac
				if [[ -n $2 ]]; then
					printf '%s\n' "${name%"$2"}"
				else
					[[ $name == *.seccomp ]] || printf '%s\n' "$name"
				fi
			done
		done < <(_sbx_policy_dirs "$1")
	} | sort -u
}

# _sbx_syscalls: the system call names this machine knows, if a kernel
# header says (package linux-libc-dev).
_sbx_syscalls() {
	local h
	for h in /usr/include/asm/unistd_64.h /usr/include/*-linux-gnu*/asm/unistd_64.h \
		/usr/include/asm-generic/unistd.h; do
		if [[ -f $h ]]; then
			sed -n 's/^#define __NR_\([a-z0-9_]*\)[[:space:]].*/\1/p' "$h"
			return
		fi
	done
}

# _sbx_reply WORDS...: COMPREPLY is the WORDS that start with $cur.
_sbx_reply() {
	local w
	COMPREPLY=()
	for w; do
		[[ $w == "$cur"* ]] && COMPREPLY+=("$w")
	done
}

# _sbx_paths DIRS_ONLY: complete $cur as a path (a directory when DIRS_ONLY
# is 1).  In SRC:DST the part after the last ":/" is completed.
_sbx_paths() {
	local kind=-f
	[[ $1 == 1 ]] && kind=-d
	if [[ $cur != *:/* ]]; then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen "$kind" -- "$cur")
		return
	fi
	# bash would take "SRC:/DST" for a file name; mark directories and
	# let the user go on typing after them.
	local prefix=${cur%:/*}: path=/${cur##*:/} p
	COMPREPLY=()
	while IFS= read -r p; do
		[[ -d $p ]] && p=$p/
		COMPREPLY+=("$prefix$p")
	done < <(compgen "$kind" -- "$path")
	compopt -o nospace 2>/dev/null
}

# _sbx_complete_arg SBX OPTION SPEC INDEX: complete argument INDEX (0-based)
# of OPTION, whose argument is spelled SPEC in --help.
_sbx_complete_arg() {
	local bin=$1 opt=$2 spec=$3 index=$4
	case $opt:$spec in
	policy:* | seccomp:*)
		local suffix=
		[[ $opt == seccomp ]] && suffix=.seccomp
		if [[ $cur == */* || $cur == .* || $cur == "~"* ]]; then
			_sbx_paths 0
			return
		fi
		local -a names
		mapfile -t names < <(_sbx_policy_names "$bin" "$suffix")
		[[ $opt == seccomp ]] && names+=(none)
		_sbx_reply "${names[@]}"
		;;
	*:SYSCALL)
		local -a calls
		mapfile -t calls < <(_sbx_syscalls)
		_sbx_reply "${calls[@]}"
		;;
	rlimit:*)
		# NAME=, then the value is the user's to type.
		if [[ $cur != *=* ]]; then
			_sbx_reply as= core= cpu= data= fsize= locks= memlock= msgqueue= \
				nice= nofile= nproc= rss= rtprio= rttime= sigpending= stack=
			compopt -o nospace 2>/dev/null
		fi
		;;
	setenv:* | unsetenv:* | keep-env:*)
		# The variable name; a --setenv VALUE is free text.
		if ((index == 0)); then
			mapfile -t COMPREPLY < <(compgen -e -- "$cur")
		fi
		;;
	*:DIR | *:DST)
		_sbx_paths 1
		;;
	*:FILE | *:*SRC*)
		_sbx_paths 0
		;;
	*"|"*)
		local -a choices
		IFS='|' read -ra choices <<<"$spec"
		_sbx_reply "${choices[@]}"
		;;
	*)
		# A number, a size, a duration: nothing to offer.
		COMPREPLY=()
		;;
	esac
}

_sbx() {
	# Words as the user sees them: bash splits COMP_WORDS at ":" and "="
	# too, which would cut SRC:DST and NAME=SOFT in pieces.  So split the
	# line before the cursor at blanks only.
	local line=${COMP_LINE:0:COMP_POINT}
	local -a words
	read -ra words <<<"$line"
	if [[ -z $line || $line == *[[:blank:]] ]]; then
		words+=("")
	fi
	local cword=$((${#words[@]} - 1))
	local cur=${words[cword]}
	local bin
	bin=$(_sbx_binary)
	COMPREPLY=()

	local -A nargs spec
	local name args
	local -a parts
	while read -r name args; do
		read -ra parts <<<"$args"
		nargs[$name]=${#parts[@]}
		spec[$name]=$args
	done < <(_sbx_options "$bin")
	nargs[help]=0 nargs[version]=0

	# Walk the words before the cursor: options with their arguments (none
	# more when written --NAME=VALUE), then (after -- or the first word that
	# is no option) the command.
	local i=1 word opt n
	while ((i < cword)); do
		word=${words[i]}
		if [[ $word == -- ]]; then
			_sbx_command $((i + 1))
			return
		fi
		if [[ $word != --?* ]]; then
			_sbx_command "$i"
			return
		fi
		opt=${word#--}
		n=${nargs[$opt]:-0}
		if ((i + n >= cword)); then
			# The cursor is on an argument of this option.
			local -a specs
			read -ra specs <<<"${spec[$opt]:-}"
			local k=$((cword - i - 1))
			_sbx_complete_arg "$bin" "$opt" "${specs[k]:-}" "$k"
			_sbx_trim
			return
		fi
		i=$((i + 1 + n))
	done

	# --NAME=VALUE: the value, as after --NAME (bash's own current word
	# starts after the "=", so the replies are the value alone).
	if [[ $cur =~ ^--([a-z0-9-]+)=(.*)$ && ${nargs[${BASH_REMATCH[1]}]:-0} == 1 ]]; then
		opt=${BASH_REMATCH[1]}
		cur=${BASH_REMATCH[2]}
		_sbx_complete_arg "$bin" "$opt" "${spec[$opt]}" 0
		_sbx_trim
		return
	fi
	if [[ $cur == -* ]]; then
		local -a opts=(--)
		for name in "${!nargs[@]}"; do
			opts+=("--$name")
		done
		_sbx_reply "${opts[@]}"
		mapfile -t COMPREPLY < <(printf '%s\n' "${COMPREPLY[@]}" | sort)
		return
	fi
	_sbx_command "$i"
}

# _sbx_trim: bash replaces only its own current word, which starts after
# the last ":" or "=" of ours; drop what comes before it from each reply.
_sbx_trim() {
	local theirs=${COMP_WORDS[COMP_CWORD]-} r
	[[ -n $theirs && $cur == *?"$theirs" ]] || return 0
	local drop=${cur%"$theirs"}
	local -a trimmed=()
	for r in "${COMPREPLY[@]}"; do
		trimmed+=("${r#"$drop"}")
	done
	COMPREPLY=("${trimmed[@]}")
}

# _sbx_command INDEX: the command starts at words[INDEX]; complete it as a
# command, or its arguments as bash-completion would for it (files when
# bash-completion is not loaded).
_sbx_command() {
	local start=$1
	if ((cword == start)); then
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
		return
	fi
	if declare -F _command_offset >/dev/null; then
		# Its index among bash's own words, which may be more.
		local j=$start
		while ((j < COMP_CWORD)) && [[ ${COMP_WORDS[j]} != "${words[start]}" ]]; do
			j=$((j + 1))
		done
		_command_offset "$j"
		return
	fi
	_sbx_paths 0
	_sbx_trim
}

complete -F _sbx sbx
