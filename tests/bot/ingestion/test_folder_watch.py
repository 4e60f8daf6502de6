"""The running bot's look at its folder: a new file joins, and the folder is read off the event loop."""

from __future__ import annotations

import shutil
import threading
from datetime import timedelta
from pathlib import Path

from bot.ingestion import live, sources
from bot.ingestion.fetch import Fetcher
from bot.ingestion.live import LiveCorpus
from bot.ingestion.sources import Ingestor
from bot.storage.database import SourceStore, Storage
from briefings.corpus import Corpus

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


async def test_a_new_folder_file_joins_and_the_folder_is_looked_at_off_the_event_loop(tmp_path, monkeypatch):
    folder = tmp_path / "articles"
    folder.mkdir()
    first, second = sorted(SEEDS.glob("*.txt"))[:2]
    shutil.copy(first, folder)
    looked_from: list[threading.Thread] = []

    def watched(path: Path) -> dict[str, tuple[int, int]]:
        looked_from.append(threading.current_thread())
        return live.folder_snapshot(path)

    store = SourceStore(Storage.open(f"sqlite:///{tmp_path / 'briefbot.db'}"))
    async with Fetcher(frozenset({"127.0.0.1"})) as fetcher:
        ingestor = Ingestor(LiveCorpus(Corpus.from_folder(folder)[0]), folder, 1_000_000, store, fetcher,
                            timedelta(days=3650))
        monkeypatch.setattr(sources, "folder_snapshot", watched)
        assert not await ingestor.tick()  # nothing new
        shutil.copy(second, folder)
        assert await ingestor.tick()
    assert len(ingestor.live.current.articles) == 2
    # Each look ran in a worker thread: a stat for every file must not hold the loop (and Discord's heartbeat).
    assert looked_from and threading.main_thread() not in looked_from
