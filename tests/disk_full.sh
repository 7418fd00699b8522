# Run by tests/test_store_hostile.py inside `unshare -m`: a copy of an archive on an 8 MiB tmpfs
# filled to the last block; ingest, log and verify there; then space freed, ingest again.
# Arguments: ARCHIVE OUT-FOLDER CHRONICLE INPUT. Each step leaves NAME.rc/.out/.err in OUT.
# The snapshots leave out the read model (.chronicle/) and chronicle-dirty, the marker that
# tells the next writer to finish what the full disk stopped.
set -u
src=$1; out=$2; chronicle=$3; input=$4
mnt=$out/mnt; mkdir -p $mnt
mount -t tmpfs -o size=8m tmpfs $mnt || exit 99
cp -a $src $mnt/archive
(cd $mnt/archive && find . -type f -not -path "./.chronicle/*" -not -name "chronicle-dirty" | sort | xargs sha256sum) > $out/before
dd if=/dev/zero of=$mnt/filler bs=4k 2>/dev/null
$chronicle ingest $input -b nato-ukraine --archive $mnt/archive > $out/ingest.out 2> $out/ingest.err; echo $? > $out/ingest.rc
$chronicle log nato-ukraine --archive $mnt/archive > $out/log.out 2> $out/log.err; echo $? > $out/log.rc
$chronicle verify --archive $mnt/archive > $out/verify.out 2> $out/verify.err; echo $? > $out/verify.rc
(cd $mnt/archive && find . -type f -not -path "./.chronicle/*" -not -name "chronicle-dirty" | sort | xargs sha256sum) > $out/after
rm $mnt/filler
$chronicle ingest $input -b nato-ukraine --archive $mnt/archive > $out/ingest2.out 2> $out/ingest2.err; echo $? > $out/ingest2.rc
$chronicle verify --archive $mnt/archive > $out/verify2.out 2> $out/verify2.err; echo $? > $out/verify2.rc
