"""install.cuda_toolchain (which toolchain install.sh uses for mmcv's ops) and
install.cuda_home_layout (the CUDA_HOME it lays out from the pip wheels).

Everything here runs on the CPU with fake toolkits in tmp_path; the real pip
toolchain on a real GPU is not exercised (see docs/install.md)."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from install import toolchain_cli as cli
from install import cuda_home_layout as layout
from install import cuda_toolchain as tc

ROOT = Path(__file__).resolve().parents[2]

NVCC_13_0 = """nvcc: NVIDIA (R) Cuda compiler driver
Copyright (c) 2005-2025 NVIDIA Corporation
Built on Wed_Aug_20_01:58:59_PM_PDT_2025
Cuda compilation tools, release 13.0, V13.0.88
Build cuda_13.0.r13.0/compiler.36424714_0
"""
NVCC_12_4 = """nvcc: NVIDIA (R) Cuda compiler driver
Copyright (c) 2005-2024 NVIDIA Corporation
Built on Thu_Mar_28_02:18:24_PDT_2024
Cuda compilation tools, release 12.4, V12.4.131
Build cuda_12.4.r12.4/compiler.34097967_0
"""


def _fake_nvcc(path: Path, output: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('#!/bin/sh\ncat <<"EOF"\n' + output + 'EOF\n')
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


def _headers(include: Path, names=tc.TORCH_CUDA_HEADERS):
    include.mkdir(parents=True, exist_ok=True)
    for h in names:
        (include / h).write_text('// fake\n')


def _toolkit(home: Path, output: str = NVCC_13_0, headers=tc.TORCH_CUDA_HEADERS) -> Path:
    _fake_nvcc(home / 'bin' / 'nvcc', output)
    _headers(home / 'include', headers)
    return home


# ---------------------------------------------------------------- versions and packages

def test_cuda13_packages_are_pinned_to_torchs_major_minor():
    reqs = tc.nvcc_pip_requirements('13.0')
    assert reqs == ['nvidia-cuda-nvcc==13.0.*', 'nvidia-nvvm==13.0.*', 'nvidia-cuda-crt==13.0.*',
                    'nvidia-cuda-cccl==13.0.*', 'nvidia-cuda-runtime==13.0.*']
    assert tc.nvcc_pip_requirements('13.1.80') == [r.replace('13.0', '13.1') for r in reqs]


def test_cuda_toolkit_metapackage_pins_the_patch_releases_when_it_matches():
    reqs = tc.nvcc_pip_requirements('13.0', cuda_toolkit='13.0.3.0')
    assert reqs[0] == 'cuda-toolkit[nvcc,cccl]==13.0.3.0'
    assert 'nvidia-cuda-nvcc==13.0.*' in reqs
    # another minor than torch's: not used
    assert not any(r.startswith('cuda-toolkit') for r in tc.nvcc_pip_requirements('13.0', '13.1.0'))


def test_cuda12_has_no_pip_nvcc():
    # nvidia-cuda-nvcc-cu12 (12.4 ... 12.9) ships ptxas/libnvvm, not the nvcc driver.
    assert tc.nvcc_pip_requirements('12.4') is None
    assert tc.nvcc_pip_requirements('11.8') is None
    reason = tc.no_pip_nvcc_reason('12.4')
    assert 'nvidia-cuda-nvcc-cu12' in reason and '12.4' in reason


@pytest.mark.parametrize('version,tag', [('13.0', 'cu130'), ('12.4', 'cu124'), ('12.10', 'cu1210'),
                                         ('13.0.88', 'cu130')])
def test_cuda_tag_matches_torch_version_cuda_without_dots(version, tag):
    assert tc.cuda_tag(version) == tag


def test_bad_cuda_version_raises():
    with pytest.raises(ValueError):
        tc.cuda_major_minor('thirteen')


def test_parse_nvcc_version():
    assert tc.parse_nvcc_version(NVCC_13_0) == '13.0'
    assert tc.parse_nvcc_version(NVCC_12_4) == '12.4'
    assert tc.parse_nvcc_version('Cuda compilation tools, V11.8.89') == '11.8'
    assert tc.parse_nvcc_version('command not found') is None
    assert tc.parse_nvcc_version('') is None


def test_nvcc_version_runs_the_binary(tmp_path):
    nvcc = _fake_nvcc(tmp_path / 'nvcc', NVCC_12_4)
    assert tc.nvcc_version(str(nvcc)) == '12.4'
    assert tc.nvcc_version(str(tmp_path / 'missing')) is None
    assert tc.nvcc_version('nvcc', run=lambda cmd: NVCC_13_0) == '13.0'


def test_arch_list_and_wheel_key():
    assert tc.arch_list([(9, 0), (8, 6), (9, 0)]) == '8.6;9.0'
    assert tc.arch_list([]) == ''
    assert tc.wheel_key('cpu', None) == 'cpu'
    assert tc.wheel_key('cu130', '9.0') == 'cu130-sm90'
    assert tc.wheel_key('cu130', '8.0;9.0+PTX') == 'cu130-sm80_90PTX'
    assert tc.wheel_key('cu130', '8.6 9.0') == 'cu130-sm86_90'


# ---------------------------------------------------------------- system toolkit

def test_find_system_toolkit_prefers_cuda_home(tmp_path):
    home = _toolkit(tmp_path / 'cuda-13.0')
    other = _toolkit(tmp_path / 'other', NVCC_12_4)
    tk = tc.find_system_toolkit({'CUDA_HOME': str(home)},
                                which=lambda _: str(other / 'bin' / 'nvcc'), default_homes=())
    assert tk == tc.SystemToolkit(str(home), str(home / 'bin' / 'nvcc'), '13.0', ())
    assert tk.headers


def test_find_system_toolkit_skips_an_nvcc_wrapper_without_headers(tmp_path):
    # Like /usr/local/bin/nvcc (a script calling /usr/local/cuda/bin/nvcc): torch's own guess,
    # the folder above `which nvcc`, is /usr/local, which has no headers.
    wrapper = _fake_nvcc(tmp_path / 'usr' / 'bin' / 'nvcc', NVCC_13_0)
    real = _toolkit(tmp_path / 'cuda')
    tk = tc.find_system_toolkit({}, which=lambda _: str(wrapper), default_homes=(str(real),))
    assert tk.home == str(real) and tk.headers


def test_find_system_toolkit_reports_missing_library_headers(tmp_path):
    home = _toolkit(tmp_path / 'cuda', headers=('cuda_runtime.h', 'cuda_runtime_api.h'))
    tk = tc.find_system_toolkit({}, which=lambda _: None, default_homes=(str(home),))
    assert tk.version == '13.0' and not tk.headers
    assert set(tk.missing) == {'cublas_v2.h', 'cublasLt.h', 'cusparse.h', 'cusolverDn.h'}


def test_headers_under_targets_count(tmp_path):
    home = tmp_path / 'cuda'
    _headers(home / 'targets' / 'x86_64-linux' / 'include')
    assert tc.missing_headers(str(home)) == []


def test_no_nvcc_anywhere(tmp_path):
    assert tc.find_system_toolkit({'CUDA_HOME': str(tmp_path)}, which=lambda _: None,
                                  default_homes=(str(tmp_path / 'nope'),)) is None


# ---------------------------------------------------------------- the decision

SYS_13 = tc.SystemToolkit('/opt/cuda-13.0', '/opt/cuda-13.0/bin/nvcc', '13.0')
SYS_12 = tc.SystemToolkit('/opt/cuda-12.4', '/opt/cuda-12.4/bin/nvcc', '12.4')
SYS_NO_LIB_HEADERS = tc.SystemToolkit('/usr/local/cuda', '/usr/local/cuda/bin/nvcc', '13.0',
                                      ('cublas_v2.h', 'cusparse.h'))
H100 = [(9, 0)]


def _decide(env=None, torch_cuda='13.0', gpu=True, caps=H100, system=None, toolkit=None):
    return tc.decide(env or {}, torch_cuda=torch_cuda, gpu=gpu, capabilities=caps, system=system,
                     pip_home='/venv/cuda-13.0', cuda_toolkit=toolkit)


def test_no_gpu_means_cpu_ops():
    d = _decide(gpu=False, caps=[], system=SYS_13)
    assert (d.mode, d.tag) == ('cpu', 'cpu')
    assert 'sees no GPU' in d.reason and 'MMSPORT_CUDA_OPS' in d.reason


def test_cpu_build_of_torch_means_cpu_ops():
    assert _decide(torch_cuda=None, gpu=False).mode == 'cpu'


def test_cpu_ops_forced():
    d = _decide({'MMSPORT_CPU_OPS': '1'}, system=SYS_13)
    assert (d.mode, d.tag) == ('cpu', 'cpu') and 'MMSPORT_CPU_OPS' in d.reason


def test_matching_system_toolkit_is_used():
    d = _decide(system=SYS_13)
    assert (d.mode, d.tag, d.cuda_home, d.arch) == ('system', 'cu130', '/opt/cuda-13.0', '9.0')
    assert d.requirements == []


def test_no_system_nvcc_means_pip_nvcc():
    d = _decide(system=None, toolkit='13.0.3.0')
    assert (d.mode, d.tag, d.cuda_home, d.cuda) == ('pip', 'cu130', '/venv/cuda-13.0', '13.0')
    assert d.requirements == tc.nvcc_pip_requirements('13.0', '13.0.3.0')
    assert 'no system nvcc' in d.reason


def test_mismatched_system_nvcc_means_pip_nvcc():
    d = _decide(system=SYS_12)
    assert d.mode == 'pip' and 'CUDA 12.4, torch has 13.0' in d.reason


def test_system_toolkit_without_library_headers_means_pip_nvcc():
    d = _decide(system=SYS_NO_LIB_HEADERS)
    assert d.mode == 'pip' and 'cusparse.h' in d.reason


def test_system_nvcc_that_does_not_run_means_pip_nvcc():
    d = _decide(system=tc.SystemToolkit('/x', '/x/bin/nvcc', None))
    assert d.mode == 'pip' and 'does not run' in d.reason


def test_pip_forced_over_a_matching_system_toolkit():
    d = _decide({'MMSPORT_NVCC': 'pip'}, system=SYS_13)
    assert d.mode == 'pip' and 'MMSPORT_NVCC=pip' in d.reason


def test_system_forced_never_installs_pip_nvcc():
    assert _decide({'MMSPORT_NVCC': 'system'}, system=SYS_13).mode == 'system'
    d = _decide({'MMSPORT_NVCC': 'system'}, system=SYS_12)
    assert (d.mode, d.cuda_home, d.tag) == ('system', '/opt/cuda-12.4', 'cu130') and d.warnings
    d = _decide({'MMSPORT_NVCC': 'system'}, system=None)
    assert (d.mode, d.tag) == ('cpu', 'cpu') and 'MMSPORT_NVCC=system' in d.reason
    assert _decide({'MMSPORT_NVCC': 'system'}, system=SYS_NO_LIB_HEADERS).mode == 'cpu'


def test_bad_nvcc_setting_raises():
    with pytest.raises(ValueError, match='MMSPORT_NVCC'):
        _decide({'MMSPORT_NVCC': 'conda'})


def test_user_arch_list_is_kept():
    d = _decide({'TORCH_CUDA_ARCH_LIST': '8.0;9.0+PTX'}, caps=[(8, 6)], system=SYS_13)
    assert d.arch == '8.0;9.0+PTX'
    assert _decide(caps=[(8, 6), (9, 0)]).arch == '8.6;9.0'


def test_cuda12_torch_needs_a_system_toolkit():
    d = _decide(torch_cuda='12.4', system=None)
    assert (d.mode, d.tag) == ('cpu', 'cpu') and 'no pip nvcc for CUDA 12.4' in d.reason
    d = _decide(torch_cuda='12.4', system=SYS_12)
    assert (d.mode, d.tag) == ('system', 'cu124')


def test_cuda_ops_without_gpu_need_an_arch_list():
    with pytest.raises(ValueError, match='TORCH_CUDA_ARCH_LIST'):
        _decide({'MMSPORT_CUDA_OPS': '1'}, gpu=False, caps=[])
    d = _decide({'MMSPORT_CUDA_OPS': '1', 'TORCH_CUDA_ARCH_LIST': '8.0'}, gpu=False, caps=[])
    assert (d.mode, d.tag, d.arch) == ('pip', 'cu130', '8.0')


def test_shell_assignments_survive_bash_eval():
    d = _decide(system=SYS_12, toolkit='13.0.3.0')
    d.reason += " (it's $HOME `x`)"
    script = (d.shell() + 'read -r -a R <<< "$MMSPORT_TC_REQS"\n'
              'printf "%s\\n" "$MMSPORT_TC_MODE" "$CUDA_TAG" "$MMSPORT_TC_WHEEL_KEY" '
              '"$MMSPORT_TC_REASON" "${#R[@]}" "${R[0]}"\n')
    out = subprocess.run(['bash', '-euc', script], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        'pip', 'cu130', 'cu130-sm90', d.reason, str(len(d.requirements)),
        'cuda-toolkit[nvcc,cccl]==13.0.3.0']


# ---------------------------------------------------------------- assembling CUDA_HOME

def _fake_pip_site(site: Path, nvcc_output=NVCC_13_0) -> Path:
    """site-packages/nvidia/cu13 as the CUDA 13 wheels lay it out, with RECORDs."""
    root = site / 'nvidia' / 'cu13'
    files = {
        'nvidia-cuda-nvcc': ['bin/nvcc', 'bin/nvcc.profile', 'bin/ptxas', 'bin/crt/link.stub',
                             'include/fatbinary_section.h'],
        'nvidia-nvvm': ['nvvm/bin/cicc', 'nvvm/libdevice/libdevice.10.bc', 'lib/libnvvm.so.4'],
        'nvidia-cuda-crt': ['include/crt/host_config.h'],
        'nvidia-cuda-cccl': ['include/cccl/cub/cub.cuh', 'lib/cmake/cub/cub-config.cmake'],
        'nvidia-cuda-runtime': ['include/cuda_runtime.h', 'include/cuda_runtime_api.h',
                                'lib/libcudart.so.13'],
        # torch's own CUDA library wheels put their headers in the same tree
        'nvidia-cublas': ['include/cublas_v2.h', 'include/cublasLt.h'],
        'nvidia-cusparse': ['include/cusparse.h'],
        'nvidia-cusolver': ['include/cusolverDn.h'],
    }
    for dist, rels in files.items():
        record = []
        for rel in rels:
            f = root / rel
            f.parent.mkdir(parents=True, exist_ok=True)
            if rel == 'bin/nvcc':
                _fake_nvcc(f, nvcc_output)
            else:
                f.write_text('x')
            record.append(f'nvidia/cu13/{rel},,')
        info = site / f"{dist.replace('-', '_')}-13.0.88.dist-info"
        info.mkdir()
        (info / 'METADATA').write_text(f'Metadata-Version: 2.1\nName: {dist}\nVersion: 13.0.88\n')
        record += [f'{info.name}/METADATA,,', f'{info.name}/RECORD,,',
                   '../../../bin/some-script,,']  # outside site-packages: ignored
        (info / 'RECORD').write_text('\n'.join(record) + '\n')
    return root


def test_pip_toolkit_roots_from_records(tmp_path):
    root = _fake_pip_site(tmp_path / 'site')
    assert layout.pip_toolkit_roots(tc.CUDA13_TOOLKIT_DISTS, path=[str(tmp_path / 'site')]) == [root]
    with pytest.raises(FileNotFoundError):
        layout.pip_toolkit_roots(['nvidia-not-there'], path=[str(tmp_path / 'site')])
    # optional header wheels: their trees are added where installed elsewhere, else skipped
    other = tmp_path / 'user-site'
    (other / 'nvidia' / 'cu13' / 'include').mkdir(parents=True)
    (other / 'nvidia' / 'cu13' / 'include' / 'cusparse.h').write_text('x')
    info = other / 'nvidia_cusparse-12.6.dist-info'
    info.mkdir()
    (info / 'METADATA').write_text('Metadata-Version: 2.1\nName: nvidia-cusparse\nVersion: 12.6\n')
    (info / 'RECORD').write_text('nvidia/cu13/include/cusparse.h,,\n')
    roots = layout.pip_toolkit_roots(tc.CUDA13_TOOLKIT_DISTS, path=[str(other), str(tmp_path / 'site')],
                                 optional=('nvidia-cusparse', 'nvidia-not-there'))
    assert roots == [root, other / 'nvidia' / 'cu13']


def test_assemble_cuda_home_from_the_pip_layout(tmp_path):
    root = _fake_pip_site(tmp_path / 'site')
    home = layout.assemble_cuda_home([root], tmp_path / 'venv' / 'cuda-13.0', machine='x86_64')
    assert home == tmp_path / 'venv' / 'cuda-13.0'
    # bin/ is a real folder (nvcc reads <its folder>/nvcc.profile, TOP = <its folder>/..)
    assert (home / 'bin').is_dir() and not (home / 'bin').is_symlink()
    assert (home / 'bin' / 'nvcc').resolve() == (root / 'bin' / 'nvcc').resolve()
    assert (home / 'bin' / 'crt' / 'link.stub').is_file()
    assert (home / 'nvvm' / 'bin' / 'cicc').is_file()
    assert os.readlink(home / 'lib64') == 'lib'
    assert os.readlink(home / 'lib' / 'libcudart.so') == 'libcudart.so.13'
    cudart = (root / 'lib' / 'libcudart.so.13').resolve()
    assert (home / 'lib64' / 'libcudart.so').resolve() == cudart
    assert (home / 'include' / 'cccl' / 'cub' / 'cub.cuh').is_file()
    assert (home / 'targets' / 'x86_64-linux' / 'include' / 'cuda_runtime.h').is_file()
    assert (home / 'targets' / 'x86_64-linux' / 'lib' / 'libcudart.so.13').exists()
    assert not (root / 'lib' / 'libcudart.so').exists()  # site-packages untouched
    assert tc.check_cuda_home(home, '13.0') == []
    out = subprocess.run([str(home / 'bin' / 'nvcc'), '--version'], capture_output=True, text=True)
    assert tc.parse_nvcc_version(out.stdout) == '13.0'
    # a second run replaces its own folder
    (root / 'include' / 'new.h').write_text('x')
    layout.assemble_cuda_home([root], home, machine='x86_64')
    assert (home / 'include' / 'new.h').is_file()
    assert [p.name for p in home.parent.iterdir()] == ['cuda-13.0']  # no temp folders left


def test_assemble_refuses_a_folder_it_did_not_make(tmp_path):
    root = _fake_pip_site(tmp_path / 'site')
    (tmp_path / 'mine').mkdir()
    (tmp_path / 'mine' / 'keep.txt').write_text('x')
    with pytest.raises(FileExistsError):
        layout.assemble_cuda_home([root], tmp_path / 'mine')
    assert (tmp_path / 'mine' / 'keep.txt').is_file()


def test_assemble_merges_several_roots(tmp_path):
    # the CUDA 12 wheels' layout: one tree per package (nvidia/cuda_nvcc, nvidia/cuda_runtime)
    nvcc, runtime = tmp_path / 'cuda_nvcc', tmp_path / 'cuda_runtime'
    _fake_nvcc(nvcc / 'bin' / 'nvcc', NVCC_13_0)
    _headers(nvcc / 'include', ['fatbinary_section.h'])
    (nvcc / 'include' / 'crt').mkdir()
    (nvcc / 'include' / 'crt' / 'host_config.h').write_text('x')
    _headers(runtime / 'include', ['cuda_runtime.h'])
    (runtime / 'include' / 'crt').mkdir()
    (runtime / 'include' / 'crt' / 'other.h').write_text('x')
    home = layout.assemble_cuda_home([nvcc, runtime], tmp_path / 'home', machine='aarch64')
    assert {p.name for p in (home / 'include').iterdir()} == {'fatbinary_section.h', 'crt',
                                                              'cuda_runtime.h'}
    assert {p.name for p in (home / 'include' / 'crt').iterdir()} == {'host_config.h', 'other.h'}
    assert (home / 'targets' / 'sbsa-linux' / 'include' / 'cuda_runtime.h').is_file()


def test_check_cuda_home_reports_problems(tmp_path):
    root = _fake_pip_site(tmp_path / 'site', nvcc_output=NVCC_12_4)
    home = layout.assemble_cuda_home([root], tmp_path / 'home')
    assert tc.check_cuda_home(home, '13.0') == [
        f'{home}/bin/nvcc reports CUDA 12.4, torch has 13.0']
    (root / 'include' / 'cusparse.h').unlink()
    (root / 'nvvm' / 'bin' / 'cicc').unlink()
    problems = tc.check_cuda_home(home, '13.0')
    assert f'missing {home}/nvvm/bin/cicc' in problems
    assert f'missing {home}/include/cusparse.h' in problems


# ---------------------------------------------------------------- command line, import, install.sh

def test_plan_command(monkeypatch, capsys, tmp_path):
    for key in ('MMSPORT_CPU_OPS', 'MMSPORT_NVCC', 'MMSPORT_CUDA_OPS', 'TORCH_CUDA_ARCH_LIST'):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setattr(tc, 'find_system_toolkit', lambda env: None)
    monkeypatch.setattr(tc, 'installed_version', lambda dist: None)
    assert cli.main(['plan', '--venv', str(tmp_path), '--torch-cuda', '13.0', '--gpu', '1',
                    '--capabilities', '9.0']) == 0
    out = capsys.readouterr().out
    assert 'MMSPORT_TC_MODE=pip\n' in out and 'CUDA_TAG=cu130\n' in out
    assert f"MMSPORT_TC_CUDA_HOME={tmp_path / 'cuda-13.0'}\n" in out
    monkeypatch.setenv('MMSPORT_NVCC', 'nonsense')
    assert cli.main(['plan', '--torch-cuda', '13.0', '--gpu', '1', '--capabilities', '9.0']) == 2


def test_assemble_command(monkeypatch, capsys, tmp_path):
    root = _fake_pip_site(tmp_path / 'site')
    monkeypatch.setattr(tc, 'pip_toolkit_roots', lambda dists, optional=(): [root])
    assert cli.main(['assemble', '--cuda', '13.0', '--dest', str(tmp_path / 'h')]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / 'h')
    assert cli.main(['assemble', '--cuda', '12.4', '--dest', str(tmp_path / 'h12')]) == 2
    # the fake nvcc is 13.0
    assert cli.main(['assemble', '--cuda', '13.1', '--dest', str(tmp_path / 'h')]) == 1


def test_module_import_is_light():
    for module in ('install.cuda_toolchain', 'install.toolchain_cli'):
        code = (f'import sys, {module}\n'
                "sys.exit(any(m in sys.modules for m in ('torch', 'mmengine', 'mmcv')))")
        assert subprocess.run([sys.executable, '-c', code], cwd=ROOT).returncode == 0, module


def test_install_sh_parses_and_uses_the_plan():
    subprocess.run(['bash', '-n', str(ROOT / 'install.sh')], check=True)
    text = (ROOT / 'install.sh').read_text()
    assert '-m install.toolchain_cli plan' in text
    assert '-m install.toolchain_cli assemble' in text
