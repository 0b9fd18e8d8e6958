#!/usr/bin/env bash
# Set up the peer baseline of bench/soc_quality.py: the ONS Data Science Campus
# `occupationcoder` (PyPI, 0.2.0, 2021) in its own environment, because it needs the
# pandas/dask/scikit-learn of its day and NLTK's WordNet data.
#
#   bash bench/occupationcoder_setup.sh            # venv at $OCCUPATIONCODER_VENV (default /tmp/noshub-occupationcoder-venv)
#
# WordNet comes from Debian (`wordnet-base`, `wordnet-sense-index`); NLTK also wants the
# `lexnames` file, which Debian ships only as a man page, so it is rebuilt from that page.
# NLTK's punkt tokenizer data is not available offline: the runner swaps in NLTK's
# Treebank tokenizer (no data needed), which only differs on sentence splitting.
set -euo pipefail
VENV="${OCCUPATIONCODER_VENV:-/tmp/noshub-occupationcoder-venv}"
PY="${OCCUPATIONCODER_PYTHON:-}"
if [ -z "$PY" ]; then
  for candidate in python3.8 /root/.pyenv/versions/3.8.18/bin/python python3.9 /root/.pyenv/versions/3.9.18/bin/python; do
    if "$candidate" -c "import sys; assert sys.version_info[:2] in ((3, 8), (3, 9))" >/dev/null 2>&1; then PY="$candidate"; break; fi
  done
fi
[ -n "$PY" ] || { echo "occupationcoder needs Python 3.8 or 3.9 (old pandas/dask); none found" >&2; exit 1; }
if [ ! -d /usr/share/wordnet ]; then
  apt-get install -y wordnet-base wordnet-sense-index >/dev/null
fi
"$PY" -m venv "$VENV"
"$VENV/bin/pip" install -q "numpy==1.20.3" "pandas==1.2.5" "dask==2021.4.0" "scikit-learn==0.24.2" "nltk==3.6.2" \
  beautifulsoup4 fuzzywuzzy python-Levenshtein-wheels "occupationcoder==0.2.0"
WN="$VENV/nltk_data/corpora/wordnet"
mkdir -p "$WN"
for f in /usr/share/wordnet/*; do ln -sf "$f" "$WN/"; done
zcat /usr/share/man/man5/lexnames.5WN.gz | grep -E "^[0-9]{2}	" \
  | awk -F'\t' '{n=$2; gsub(/ /,"",n); t=(n~/^adj/)?3:(n~/^adv/)?4:(n~/^noun/)?1:2; print $1"\t"n"\t"t}' > "$WN/lexnames"
echo "occupationcoder ready in $VENV"
