#!/bin/bash
# kernel.sh - find, fetch and cache the kernel the test VM boots.
#
# Contract:
#   in:  the apt package lists (Debian's linux-image-<flavour> metapackage);
#        env VM_CACHE (default ${XDG_CACHE_HOME:-$HOME/.cache}/stap-vm),
#        env VM_KERNEL_FLAVOUR (default amd64; also rt-amd64, cloud-amd64),
#        env VM_KREL (--print-release prints it as it is, without asking
#        apt: modules are then built for that release, e.g. a fake ABI in
#        the harness suite's check that missing headers fail loudly).
#   out: stdout "KREL=<release>" and "VMLINUZ=<path>" lines, or with
#        --print-release / --print-vmlinuz just that one value, or with
#        --print-vmlinux the path of the uncompressed ELF kernel (extracted
#        from the vmlinuz on first use; qemu boots it directly via PVH).
#   side effects: downloads linux-image-<krel> into the cache once, extracts
#        its /boot, installs linux-headers-<krel> and linux-image-<krel> on
#        the host if missing (root only).
#
# The ABI number (the "NN" in 6.1.0-NN-amd64) changes with every Debian kernel
# update, so it is never written down here: we always ask the metapackage.
# A second run only stats files (the apt answer is memoised until the package
# lists change), so it is cheap enough to call from every test script.
set -eu

die() { echo "kernel.sh: error: $*" >&2; exit 1; }
note() { echo "kernel.sh: $*" >&2; }

usage() {
	cat >&2 <<'USAGE'
usage: kernel.sh [--print-release | --print-vmlinuz | --print-vmlinux]
  default: print KREL=<kernel release> and VMLINUZ=<path to cached vmlinuz>
env: VM_CACHE (cache dir), VM_KERNEL_FLAVOUR (amd64, rt-amd64, cloud-amd64),
     VM_KREL (--print-release prints it instead of asking apt)
USAGE
	exit 2
}

need() { # need CMD PACKAGE: fail early with the install hint
	command -v "$1" >/dev/null 2>&1 || die "$1 not found: apt-get install $2"
}

cache_dir() {
	echo "${VM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stap-vm}"
}

# Ask apt which linux-image-X.Y.Z-N-<flavour> the metapackage currently pulls
# in; prints "<package> <version>". apt-cache costs ~0.5 s, so the answer is
# memoised and reused while /var/lib/apt/lists is unchanged (apt-get update
# renames new lists into that directory, which bumps its mtime).
resolve_image_pkg() {
	local flavour=$1 cache=$2 memo answer
	memo=$cache/resolved.$flavour
	if [ -s "$memo" ] && [ "$memo" -nt /var/lib/apt/lists ]; then
		cat "$memo"
		return
	fi
	need apt-cache apt
	answer=$(LC_ALL=C apt-cache show --no-all-versions "linux-image-$flavour" 2>/dev/null |
		sed -n 's/^Depends:.*\(linux-image-[0-9][^ ,]*\) (= \([^)]*\)).*/\1 \2/p' | head -n 1)
	if [ -z "$answer" ]; then
		# Offline or lists not fetched yet: fall back to the last answer.
		[ -s "$memo" ] || die "apt-cache knows no linux-image-$flavour;" \
			"run apt-get update (Debian's package lists are needed)"
		note "warning: apt-cache cannot resolve linux-image-$flavour; using cached $(cat "$memo")"
		cat "$memo"
		return
	fi
	echo "$answer" >"$memo.$$" && mv "$memo.$$" "$memo"
	echo "$answer"
}

# Download the image .deb (once) and unpack only its /boot (vmlinuz, config,
# System.map); the 400 MB of modules are not needed in the VM.
# Prints the path of the vmlinuz.
fetch_vmlinuz() {
	local pkg=$1 version=$2 krel=$3 cache=$4 dir deb tmp debs
	dir=$cache/${pkg}_$version
	if [ -f "$dir/boot/vmlinuz-$krel" ]; then
		echo "$dir/boot/vmlinuz-$krel"
		return
	fi
	need apt-get apt
	need dpkg-deb dpkg
	debs=("$cache/${pkg}_${version}_"*.deb)
	deb=${debs[0]}
	if [ ! -f "$deb" ]; then
		note "downloading $pkg=$version into $cache"
		tmp=$(mktemp -d "$cache/download.XXXXXX")
		# apt-get download writes into the cwd; the tmp dir keeps a failed
		# download from looking like a cached one.
		# As root apt drops to user _apt, which cannot write into a private
		# cache; the sandbox buys nothing for a plain download.
		local sandbox=()
		[ "$(id -u)" -ne 0 ] || sandbox=(-o APT::Sandbox::User=root)
		(cd "$tmp" && apt-get -q "${sandbox[@]}" download "$pkg=$version" >&2) ||
			{ rm -rf "$tmp"; die "apt-get download $pkg=$version failed"; }
		mv "$tmp"/*.deb "$cache/" && rmdir "$tmp"
		debs=("$cache/${pkg}_${version}_"*.deb)
		deb=${debs[0]}
	fi
	rm -rf "$dir.$$"
	mkdir -p "$dir.$$"
	dpkg-deb --fsys-tarfile "$deb" | tar -x -f - -C "$dir.$$" --wildcards './boot/*' ||
		die "cannot extract /boot from $deb"
	[ -f "$dir.$$/boot/vmlinuz-$krel" ] || die "$deb has no boot/vmlinuz-$krel"
	# Another run may have finished the same extraction meanwhile.
	[ -f "$dir/boot/vmlinuz-$krel" ] || rm -rf "$dir"
	mv -T "$dir.$$" "$dir" 2>/dev/null || rm -rf "$dir.$$"
	echo "$dir/boot/vmlinuz-$krel"
}

# The bzImage's payload is a compressed ELF vmlinux; qemu can boot that ELF
# straight through its PVH entry point, which skips the firmware and the
# decompressor (~2 s under TCG). Find the payload by its magic and unpack it.
# Prints the path of the vmlinux.
extract_vmlinux() {
	local vmlinuz=$1 out=${1%/*}/vmlinux magic tool off
	if [ -f "$out" ]; then
		echo "$out"
		return
	fi
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		command -v "$tool" >/dev/null 2>&1 || continue
		off=$(LC_ALL=C grep -obUaP "${magic#*:}" "$vmlinuz" | head -n 1 | cut -d: -f1)
		[ -n "$off" ] || continue
		# The payload is followed by other data, so the decompressor
		# complains at the end; the ELF check below is what counts.
		tail -c +$((off + 1)) "$vmlinuz" | "$tool" -dc >"$out.$$" 2>/dev/null || true
		if [ "$(head -c 4 "$out.$$")" = $'\177ELF' ]; then
			mv "$out.$$" "$out"
			echo "$out"
			return
		fi
	done
	rm -f "$out.$$"
	die "cannot extract an ELF vmlinux from $vmlinuz (is xz-utils installed?)"
}

# Modules for the VM are built on the host against these headers, and the
# translator takes the kernel's BTF (and its modules' files) from the image
# package installed on the host.  Without root we cannot install them:
# fatal when the caller wants to build (asks for the release), only a
# warning when it just wants a kernel to boot.
ensure_headers() {
	local krel=$1 fatal=$2 hdr="linux-headers-$1 linux-image-$1"
	if [ -f "/lib/modules/$krel/build/Makefile" ] && [ -f "/boot/vmlinuz-$krel" ] &&
		dpkg-query -W -f='${Status}\n' linux-headers-"$krel" linux-image-"$krel" 2>/dev/null |
		grep -c 'install ok installed' | grep -qx 2; then
		return
	fi
	if [ "$(id -u)" -ne 0 ]; then
		[ "$fatal" = yes ] || { note "warning: $hdr is not installed (as root: apt-get install $hdr)"; return; }
		die "$hdr is not installed; as root run: apt-get install $hdr"
	fi
	note "installing $hdr"
	# shellcheck disable=SC2086 # two package names
	DEBIAN_FRONTEND=noninteractive apt-get -q -y install --no-install-recommends $hdr >&2 ||
		die "apt-get install $hdr failed"
}

main() {
	local mode=all flavour cache pkg version krel vmlinuz
	case $# in
	0) ;;
	1) case $1 in
		--print-release) mode=release ;;
		--print-vmlinuz) mode=vmlinuz ;;
		--print-vmlinux) mode=vmlinux ;;
		*) usage ;;
		esac ;;
	*) usage ;;
	esac
	if [ "$mode" = release ] && [ -n "${VM_KREL:-}" ]; then
		echo "$VM_KREL"
		return
	fi
	flavour=${VM_KERNEL_FLAVOUR:-amd64}
	cache=$(cache_dir)
	mkdir -p "$cache" || die "cannot create cache dir $cache"

	read -r pkg version <<<"$(resolve_image_pkg "$flavour" "$cache")"
	krel=${pkg#linux-image-}
	krel=${krel%-unsigned}
	vmlinuz=$(fetch_vmlinuz "$pkg" "$version" "$krel" "$cache")
	case $mode in
	release|all) ensure_headers "$krel" yes ;;
	*) ensure_headers "$krel" no ;;
	esac

	case $mode in
	release) echo "$krel" ;;
	vmlinuz) echo "$vmlinuz" ;;
	vmlinux) extract_vmlinux "$vmlinuz" ;;
	all) echo "KREL=$krel"; echo "VMLINUZ=$vmlinuz" ;;
	esac
}

main "$@"
